package dev.jrun.lint;

import dev.jrun.spec.Spec;
import java.util.Map;

/** The process to run: its environment (execve(2) takes "NAME=value" strings). */
final class ProcessRules {
    private ProcessRules() {}

    static void envNames(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        if (p == null || p.env() == null) return;
        for (Map.Entry<String, String> e : p.env().entrySet()) {
            String name = e.getKey();
            String problem = name.isEmpty() ? "environment variable name is empty"
                    : name.contains("=") ? "environment variable name \"" + name + "\" holds '=', which would end the name there"
                    : name.indexOf('\0') >= 0 ? "environment variable name holds a NUL character"
                    : e.getValue() != null && e.getValue().indexOf('\0') >= 0
                            ? "environment variable " + name + " holds a NUL character, which would cut the value short"
                    : null;
            if (problem != null) out.error(out.key(SourceMap.pointer("process", "env", name), p.at()), problem);
        }
    }
}
