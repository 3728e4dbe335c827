package dev.jrun.runner.parent;

import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunnerException;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.SyscallException;
import java.util.List;

/** user_namespaces(7): "deny" to setgroups before gid_map when unprivileged; each map in a single write. */
final class IdMaps {
    private IdMaps() {}

    static void write(HostSyscalls host, Plan plan, int stepIndex, Step.WriteIdMaps m, int pid) throws RunnerException {
        String file = null;
        try {
            if (m.denySetgroups()) {
                file = "/proc/" + pid + "/setgroups";
                host.writeFile(file, "deny");
            }
            file = "/proc/" + pid + "/uid_map";
            host.writeFile(file, text(m.uid()));
            file = "/proc/" + pid + "/gid_map";
            host.writeFile(file, text(m.gid()));
        } catch (SyscallException e) {
            throw new RunnerException(plan, stepIndex, "write " + file.replace("/" + pid + "/", "/PID/"), e.errno, null);
        }
    }

    static String text(List<Step.IdMapLine> lines) {
        StringBuilder b = new StringBuilder();
        for (Step.IdMapLine l : lines) b.append(l).append('\n');
        return b.toString();
    }
}
