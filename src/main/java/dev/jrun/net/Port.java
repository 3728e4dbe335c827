package dev.jrun.net;

/**
 * A published port, {@code [hostIp:]hostPort:containerPort/protocol}: {@code hostIp} null for every
 * host address, {@code protocol} "tcp" or "udp".
 */
public record Port(String hostIp, int hostPort, int containerPort, String protocol) {
    @Override
    public String toString() {
        return (hostIp == null ? "" : hostIp + ":") + hostPort + ":" + containerPort + "/" + protocol;
    }
}
