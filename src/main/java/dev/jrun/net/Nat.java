package dev.jrun.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The masquerade rule of a bridge's subnet, through the `nft` command (nftables; jrun's one rule
 * does not justify speaking nf_tables over netlink): a table {@code ip jrun_<bridge>} with a NAT
 * postrouting chain, made when a bridge's first container starts and deleted after its last. The
 * table is replaced whole in one transaction (add + delete + define), so a rule a SIGKILLed run
 * left is never doubled. Outbound traffic also needs the host's net.ipv4.ip_forward = 1, which
 * jrun leaves to the host's administrator, as it is a setting of the whole host.
 */
public final class Nat {
    private Nat() {}

    static String table(String bridge) {
        return "jrun_" + bridge.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /**
     * The lease hooks that keep the rule exactly while the bridge has leases: added with the
     * first, removed with the last (a reclaimed lease counts); none when {@code enabled} is false.
     */
    public static Leases.Hooks hooks(String bridge, Cidr subnet, boolean enabled) {
        return new Leases.Hooks() {
            @Override
            public void first() throws NetworkException {
                if (enabled) add(bridge, subnet);
            }

            @Override
            public void last() throws NetworkException {
                if (enabled) remove(bridge);
            }
        };
    }

    public static void add(String bridge, Cidr subnet) throws NetworkException {
        String t = table(bridge);
        nft(List.of("-f", "-"), "add table ip " + t + "\ndelete table ip " + t + "\ntable ip " + t + " {\n"
                + "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    ip saddr " + subnet.network() + "/" + subnet.prefix() + " oifname != \"" + bridge + "\" masquerade\n  }\n}\n",
                "add the masquerade rule for " + subnet);
    }

    public static void remove(String bridge) throws NetworkException {
        String t = table(bridge);
        // add + delete: no error when it is gone already
        nft(List.of("-f", "-"), "add table ip " + t + "\ndelete table ip " + t + "\n", "remove the masquerade rule of " + bridge);
    }

    private static void nft(List<String> args, String input, String what) throws NetworkException {
        String nft = Helpers.find("nft");
        if (nft == null) {
            throw new NetworkException(what + ": no nft command on PATH: install Debian's nftables, or set network.nat: false");
        }
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(nft);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NetworkException(what + ": nft did not answer in 10 s");
            }
            if (p.exitValue() != 0) throw new NetworkException(what + ": nft: " + out.lines().findFirst().orElse("exit " + p.exitValue()));
        } catch (IOException e) {
            throw new NetworkException(what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException(what + ": interrupted");
        }
    }
}
