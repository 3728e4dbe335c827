package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.net.Cidr;
import dev.jrun.net.Ipv4;
import dev.jrun.net.RtNetlink;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.spec.Spec;
import dev.jrun.spec.Spec.NetworkMode;
import java.util.List;
import java.util.Locale;

/**
 * network: which keys each mode uses, the bridge, its subnet and the container's address, the
 * rootless fallback, published ports and nameservers. Addresses are read with dev.jrun.net's
 * {@link Ipv4} and {@link Cidr}, as the runner reads them, never with InetAddress, which takes
 * host names and would resolve them.
 */
final class NetworkRules {
    /** How an address is written, for messages: what {@link Ipv4#parse} takes. */
    private static final String IPV4 = "four numbers from 0 to 255 without leading zeros";
    /** /30 is the smallest subnet with a network address, a gateway, a container and a broadcast address. */
    private static final int MIN_PREFIX = 8;
    private static final int MAX_PREFIX = 30;

    private NetworkRules() {}

    /** host mode is no isolation at all: the container's sockets are the host's, loopback included. */
    static void hostNetwork(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        // With a "net" namespace the mode contradicts the namespaces: network-net's to report.
        if (n == null || n.mode() != NetworkMode.HOST || spec.has(Namespace.NET)) return;
        out.warning(out.value("/network/mode", n.at()), "network mode \"host\": the container shares the host's network"
                + " (and can reach its loopback services); use bridge or slirp to give it a network of its own");
    }

    static void bridgeName(Spec spec, Findings out) {
        Spec.Network n = bridgeMode(spec);
        if (n == null || n.bridge() == null) return;
        String name = n.bridge();
        Location at = out.value("/network/bridge", n.at());
        if (!isInterfaceName(name)) {
            out.error(at, "bridge " + q(name) + " is not a Linux interface name; use 1 to 15 bytes without \"/\", \":\""
                    + " or white space, other than \".\" and \"..\"");
        } else if (name.indexOf('%') >= 0) {
            // dev_alloc_name(): the kernel names a new link after the pattern, so none has this name.
            out.error(at, "bridge " + q(name) + ": the kernel reads a \"%\" in a new link's name as a pattern"
                    + " (br%d becomes br0, br1, ...), so no bridge would have this name; leave the \"%\" out");
        }
    }

    /** The kernel's dev_valid_name(), from its one home: the rtnetlink requests check names with it. */
    private static boolean isInterfaceName(String name) {
        try {
            RtNetlink.checkName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static void subnet(Spec spec, Findings out) {
        Spec.Network n = bridgeMode(spec);
        if (n == null || n.subnet() == null) return;
        Location at = out.value("/network/subnet", n.at());
        Cidr c = cidr(n.subnet());
        if (c == null) {
            out.error(at, "subnet " + q(n.subnet()) + " is not an IPv4 subnet in CIDR notation, such as \"10.88.0.0/16\"");
        } else if (c.prefix() < MIN_PREFIX || c.prefix() > MAX_PREFIX) {
            out.error(at, "subnet " + q(n.subnet()) + " has a /" + c.prefix() + " prefix; use one from /" + MIN_PREFIX
                    + " to /" + MAX_PREFIX + " (a /30 holds the gateway and one container)");
        } else if (!c.address().equals(c.network())) {
            out.error(at, "subnet " + q(n.subnet()) + " has host bits set; did you mean " + q(c.network() + "/" + c.prefix()) + "?");
        }
    }

    /**
     * A pinned address must be one the bridge can give the container: inside the subnet and none
     * of the three it reserves, the network and broadcast addresses and the gateway (its own).
     */
    static void address(Spec spec, Findings out) {
        Spec.Network n = bridgeMode(spec);
        if (n == null || n.address() == null) return;
        Location at = out.value("/network/address", n.at());
        Ipv4 a = ipv4(n.address());
        if (a == null) {
            out.error(at, "address " + q(n.address()) + " is not an IPv4 address; write " + IPV4 + ", such as \"10.88.0.5\"");
            return;
        }
        Cidr c = usableSubnet(n);
        if (c == null) return;
        String subnet = c.network() + "/" + c.prefix();
        String problem = !c.contains(a) ? "is outside the subnet " + subnet
                : a.equals(c.network()) ? "is the network address of " + subnet
                : a.equals(gateway(c)) ? "is the gateway, the bridge's own address"
                : a.equals(c.broadcast()) ? "is the broadcast address of " + subnet
                : null;
        if (problem == null) return;
        Ipv4 first = new Ipv4(gateway(c).bits() + 1);
        Ipv4 last = new Ipv4(c.broadcast().bits() - 1);
        out.error(at, "address " + q(n.address()) + " " + problem
                + (first.equals(last) ? "; the only one a container can have is " + first : "; pick one from " + first + " to " + last));
    }

    /**
     * The subnet the address rule can check against: a valid one of the allowed sizes, host bits
     * or not (they do not change which addresses it holds); null when network-subnet reports it.
     */
    private static Cidr usableSubnet(Spec.Network n) {
        Cidr c = cidr(n.subnet());
        return c == null || c.prefix() < MIN_PREFIX || c.prefix() > MAX_PREFIX ? null : c;
    }

    /** The subnet's first host address, as Spec.Network defines the gateway. */
    private static Ipv4 gateway(Cidr c) {
        return new Ipv4(c.network().bits() + 1);
    }

    /**
     * Keys that only one mode reads, set in another: the run would silently ignore them. Ports in
     * the wrong mode are network-port's error instead (a port that is not published fails what
     * the spec is for), and rootless in the wrong mode network-rootless's.
     */
    static void unused(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        if (n == null || n.mode() == null) return;
        if (n.mode() != NetworkMode.BRIDGE) {
            unusedBridgeKey("bridge", Spec.Network.DEFAULT_BRIDGE.equals(n.bridge()), n, out);
            unusedBridgeKey("subnet", Spec.Network.DEFAULT_SUBNET.equals(n.subnet()), n, out);
            unusedBridgeKey("address", n.address() == null, n, out);
            unusedBridgeKey("nat", n.nat(), n, out);
        }
        // "none" without a "net" namespace is the host's network, where nameservers are reachable.
        if (n.mode() == NetworkMode.NONE && spec.has(Namespace.NET) && n.dns() != null) {
            out.warning(out.key("/network/dns", n.at()), "dns is unused with network mode \"none\": the container has only"
                    + " loopback and reaches no nameserver; remove dns, or choose a mode with a network");
        }
    }

    private static void unusedBridgeKey(String key, boolean isDefault, Spec.Network n, Findings out) {
        String pointer = "/network/" + key;
        if (!out.given(pointer, isDefault)) return;
        out.warning(out.key(pointer, n.at()), key + " is used only in network mode \"bridge\", and mode " + mode(n)
                + " ignores it; remove it, or set mode: bridge");
    }

    static void rootless(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        if (n == null || n.rootless() == null || n.mode() == NetworkMode.BRIDGE) return;
        out.error(out.key("/network/rootless", n.at()), "rootless is the mode a bridge spec falls back to without root,"
                + " and mode " + mode(n) + " needs no root; remove rootless, or set mode: bridge");
    }

    /**
     * What the model builder cannot see in one entry (it reports the syntax and the numbers under
     * this rule's id): the host address, two entries claiming one host port, and the mode.
     */
    static void ports(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        if (n == null || n.ports() == null || n.ports().isEmpty()) return;
        if (n.mode() != NetworkMode.BRIDGE && n.mode() != NetworkMode.SLIRP) {
            String why = n.mode() == NetworkMode.HOST
                    ? "with mode \"host\" the process listens on the host's ports itself"
                    : "mode " + mode(n) + " has only loopback";
            out.error(out.key("/network/ports", n.at()), "ports are published only in network mode \"bridge\" or \"slirp\","
                    + " and " + why + "; remove ports, or change the mode");
        }
        List<Spec.Port> ports = n.ports();
        Ipv4[] hostIps = new Ipv4[ports.size()];
        for (int i = 0; i < ports.size(); i++) {
            Spec.Port p = ports.get(i);
            Location at = out.value(SourceMap.pointer("network", "ports", i), p.at());
            if (p.hostIp() != null) {
                hostIps[i] = ipv4(p.hostIp());
                if (hostIps[i] == null) {
                    out.error(at, "host address " + q(p.hostIp()) + " is not an IPv4 address; write " + IPV4
                            + ", such as \"127.0.0.1\", or leave it out for every host address");
                    continue;
                }
            }
            for (int j = 0; j < i; j++) {
                Spec.Port e = ports.get(j);
                boolean reported = e.hostIp() != null && hostIps[j] == null;
                if (reported || e.hostPort() != p.hostPort() || !e.protocol().equals(p.protocol())) continue;
                // Every address overlaps each one: the second listener (or forwarding rule) loses.
                if (!isEvery(hostIps[i]) && !isEvery(hostIps[j]) && !hostIps[i].equals(hostIps[j])) continue;
                Location there = out.value(SourceMap.pointer("network", "ports", j), e.at());
                String where = where(hostIps[i]);
                out.error(at, "host port " + p.hostPort() + "/" + p.protocol() + " on " + where + " is already published"
                        + (where.equals(where(hostIps[j])) ? "" : " on " + where(hostIps[j])) + " by ports[" + j + "]"
                        + (there.line() > 0 ? " at line " + there.line() : "") + "; publish each host port once");
                break;
            }
        }
    }

    /** No host address, and 0.0.0.0, mean every host address. */
    private static boolean isEvery(Ipv4 hostIp) {
        return hostIp == null || hostIp.bits() == 0;
    }

    private static String where(Ipv4 hostIp) {
        return isEvery(hostIp) ? "every host address" : hostIp.toString();
    }

    static void dns(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        if (n == null || n.dns() == null) return;
        for (int i = 0; i < n.dns().size(); i++) {
            String s = n.dns().get(i);
            if (ipv4(s) != null) continue;
            out.error(out.value(SourceMap.pointer("network", "dns", i), n.at()), "nameserver " + q(s)
                    + " is not an IPv4 address; resolv.conf takes addresses, written as " + IPV4 + ", such as \"9.9.9.9\"");
        }
    }

    /**
     * A host's resolver often listens on loopback (systemd-resolved's 127.0.0.53, a dnsmasq on
     * 127.0.0.1), and a resolv.conf copied from the host carries it along; in a network namespace
     * of the container's own, 127.x is the container's loopback, where nothing answers. Only bridge
     * and slirp: with host the loopback is the host's, and none reaches no nameserver at all
     * (network-unused).
     */
    static void dnsLoopback(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        if (n == null || n.dns() == null || (n.mode() != NetworkMode.BRIDGE && n.mode() != NetworkMode.SLIRP)) return;
        for (int i = 0; i < n.dns().size(); i++) {
            Ipv4 a = ipv4(n.dns().get(i));
            if (a == null || a.bits() >>> 24 != 127) continue;
            out.warning(out.value(SourceMap.pointer("network", "dns", i), n.at()), "nameserver " + a + " is a loopback address:"
                    + " in the container's network namespace that is its own loopback, where no resolver answers;"
                    + " give a nameserver the container can reach");
        }
    }

    /** The network of a bridge spec, else null: the bridge's keys mean nothing in other modes (network-unused). */
    private static Spec.Network bridgeMode(Spec spec) {
        Spec.Network n = spec.network();
        return n != null && n.mode() == NetworkMode.BRIDGE ? n : null;
    }

    private static String mode(Spec.Network n) {
        return q(n.mode().name().toLowerCase(Locale.ROOT));
    }

    private static Ipv4 ipv4(String s) {
        if (s == null) return null;
        try {
            return Ipv4.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Cidr cidr(String s) {
        if (s == null) return null;
        try {
            return Cidr.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
