package dev.jrun.plan;

import dev.jrun.spec.Spec;
import java.util.List;

/** A compiled, ordered plan: pure data, safe to print, executed by {@code dev.jrun.runner}. */
public record Plan(Spec spec, List<Step> steps) {
    public <T extends Step> List<T> stepsOf(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
