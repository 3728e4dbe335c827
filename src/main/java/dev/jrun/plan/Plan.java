package dev.jrun.plan;

import dev.jrun.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/** A compiled, ordered plan: pure data, safe to print, executed by {@code dev.jrun.runner}. */
public record Plan(Spec spec, List<Step> steps) {
    public <T extends Step> List<T> stepsOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Step s : steps) {
            if (type.isInstance(s)) out.add(type.cast(s));
        }
        return out;
    }
}
