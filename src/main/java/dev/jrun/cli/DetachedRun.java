package dev.jrun.cli;

import dev.jrun.ExitCodes;
import dev.jrun.host.IoMessages;
import dev.jrun.host.StaticInit;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanCodec;
import dev.jrun.plan.PlanOptions;
import dev.jrun.runner.state.ContainerState;
import dev.jrun.runner.state.Containers;
import dev.jrun.runner.state.StateDir;
import dev.jrun.service.ServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * {@code jrun run -d}: the spec compiled and checked here (its errors are this command's), the
 * container's folder made (its name reserved), the plan left in it, and the start asked of this
 * user's service, which replies once the process runs, or with the reason it could not.
 */
final class DetachedRun {
    private DetachedRun() {}

    static PlanOptions options() {
        return new PlanOptions(true, StaticInit.find());
    }

    static int start(Path spec, String name) {
        Plan plan;
        try {
            plan = Pipeline.compile(spec, System.err, ExitCodes.FAILED, options());
        } catch (Pipeline.Failed f) {
            return f.exitCode;
        }
        String id = name != null ? name : plan.spec().name();
        Containers containers;
        Path dir;
        try {
            containers = Containers.forUser();
            dir = containers.create(id);
        } catch (Containers.Failure e) {
            System.err.println("jrun run: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        try {
            Path file = spec.toAbsolutePath().normalize();
            Files.write(dir.resolve(StateDir.PLAN), PlanCodec.encode(plan.steps()));
            ContainerState.created(id, file.toString(), file.getParent().toString(), Instant.now().toString()).write(dir);
            Map<String, Object> reply = ServiceClient.request(containers.dir(), Map.of("op", "run", "name", id));
            if (Boolean.TRUE.equals(reply.get("ok"))) {
                System.out.println(id);
                return ExitCodes.OK;
            }
            System.err.println("jrun: " + reply.get("error"));
            containers.remove(id);
            return reply.get("exit") instanceof Number n ? n.intValue() : ExitCodes.FAILED;
        } catch (IOException | Containers.Failure e) {
            System.err.println("jrun run: " + id + ": " + (e instanceof IOException io ? IoMessages.of(io) : e.getMessage()));
            try {
                containers.remove(id);
            } catch (Containers.Failure ignored) {
                // said above
            }
            return ExitCodes.FAILED;
        }
    }
}
