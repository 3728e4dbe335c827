package dev.jrun.plan;

/**
 * The facts about the invoking user and host that a plan depends on, gathered by the CLI so the
 * planner itself does no I/O.
 *
 * @param resolvConf the host's /etc/resolv.conf content (for network mode host), or null
 */
public record HostInfo(long uid, long gid, String resolvConf) {
    public boolean root() {
        return uid == 0;
    }
}
