package dev.jrun.cli;

import dev.jrun.ExitCodes;
import dev.jrun.net.Leases;
import dev.jrun.net.Links;
import dev.jrun.sys.NetlinkException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "network", mixinStandardHelpOptions = true,
        description = "Manage the bridges of network mode bridge (root).",
        subcommands = {NetworkCommand.Rm.class},
        footer = {"", "Example:", "  jrun network rm jrun0"})
final class NetworkCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jrun network: name a subcommand: rm");
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
}
