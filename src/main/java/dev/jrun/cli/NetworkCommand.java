package dev.jrun.cli;

import dev.jrun.ExitCodes;
import dev.jrun.net.Leases;
import dev.jrun.net.Links;
import dev.jrun.sys.NetlinkException;
import dev.jrun.runner.state.ContainerState;
import dev.jrun.runner.state.Containers;
import dev.jrun.service.ServiceClient;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "network", mixinStandardHelpOptions = true,
        description = "Manage the bridges of network mode bridge, and detached containers' extra interfaces (root).",
        subcommands = {NetworkCommand.Rm.class, NetworkCommand.Connect.class, NetworkCommand.Disconnect.class},
        footer = {"", "Examples:", "  jrun network rm jrun0", "  jrun network connect web --bridge jrun1 --subnet 10.89.0.0/16",
                "  jrun network disconnect web --bridge jrun1"})
final class NetworkCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jrun network: name a subcommand: rm, connect, disconnect");
        return ExitCodes.USAGE;
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Remove a bridge jrun made (it stays after its containers end).",
                    "Refused while a container of this network namespace holds an address on it."})
    static final class Rm implements Callable<Integer> {
        @Parameters(paramLabel = "BRIDGE", description = "The bridge, e.g. jrun0.")
        String bridge;

        @Override
        public Integer call() {
            int users = Leases.holders(bridge);
            if (users > 0) {
                System.err.println("jrun network rm: bridge " + bridge + " is in use by " + users + " running container"
                        + (users == 1 ? "" : "s") + ": stop them first");
                return ExitCodes.FINDINGS;
            }
            try (Links links = Links.open()) {
                if (!links.deleteBridge(bridge)) {
                    System.err.println("jrun network rm: there is no bridge " + bridge + " in this network namespace");
                    return ExitCodes.FINDINGS;
                }
                return ExitCodes.OK;
            } catch (NetlinkException e) {
                System.err.println("jrun network rm: " + e.getMessage()
                        + (e.errno == dev.jrun.sys.Errno.EPERM ? " (removing a bridge needs root)" : ""));
                return ExitCodes.FINDINGS;
            }
        }
    }

    /** Asks the service that supervises {@code name} to change its interfaces. */
    static int ask(String command, Map<String, Object> request) {
        if (dev.jrun.host.HostInfo.effectiveUid() != 0) {
            System.err.println("jrun network " + command + ": needs root (a veth on a bridge of the host's)");
            return ExitCodes.FAILED;
        }
        try {
            Containers c = Containers.forUser();
            String name = (String) request.get("name");
            ContainerState s = c.get(name);
            if (!ContainerState.RUNNING.equals(s.status())) {
                throw new Containers.Failure("container " + name + " is not running (" + ContainerCommands.describe(s) + ")");
            }
            if (!s.supervised()) {
                throw new Containers.Failure("container " + name + "'s jrun service was killed: its interfaces can no longer be"
                        + " changed (they would outlive what cleans them up)");
            }
            Map<String, Object> reply = ServiceClient.request(c.dir(), request);
            if (!Boolean.TRUE.equals(reply.get("ok"))) {
                System.err.println("jrun network " + command + ": " + reply.get("error"));
                return ExitCodes.FAILED;
            }
            System.out.println(reply.get("ifname") + (reply.get("address") == null ? "" : " " + reply.get("address")));
            return ExitCodes.OK;
        } catch (Containers.Failure | java.io.IOException e) {
            System.err.println("jrun network " + command + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Add an interface (eth1, ...) to a running detached container: a veth from a bridge, with an address",
                    "leased from the bridge's subnet. It goes when the container ends, or with disconnect. Prints the interface",
                    "and its address."})
    static final class Connect implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--bridge", defaultValue = "jrun0", description = "The bridge (default jrun0; made if missing).")
        String bridge;

        @Option(names = "--subnet", defaultValue = "10.88.0.0/16", description = "Its subnet (default 10.88.0.0/16).")
        String subnet;

        @Override
        public Integer call() {
            return ask("connect", Map.of("op", "connect", "name", name, "bridge", bridge, "subnet", subnet));
        }
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true,
            description = "Remove the interface network connect added from that bridge, and give its address back.")
    static final class Disconnect implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--bridge", defaultValue = "jrun0", description = "The bridge (default jrun0).")
        String bridge;

        @Override
        public Integer call() {
            return ask("disconnect", Map.of("op", "disconnect", "name", name, "bridge", bridge));
        }
    }
}
