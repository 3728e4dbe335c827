package dev.jrun.lint;

import dev.jrun.host.DeviceNodes;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.DidYouMean;
import dev.jrun.spec.Location;
import dev.jrun.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/** What a {@link Rule} reports into: locates JSON pointers and tags each finding with the rule id. */
public final class Findings {
    private final Spec spec;
    private final SourceMap source;
    private final DeviceNodes devNodes;
    private final List<Diagnostic> out = new ArrayList<>();
    private String ruleId = "";

    Findings(Spec spec, SourceMap source, DeviceNodes devNodes) {
        this.spec = spec;
        this.source = source;
        this.devNodes = devNodes;
    }

    /** The host's device nodes, scanned once per lint run. */
    DeviceNodes devNodes() {
        return devNodes;
    }

    void begin(Rule rule) {
        ruleId = rule.id();
    }

    List<Diagnostic> diagnostics() {
        return out;
    }

    /** Where the value at {@code pointer} is, else {@code fallback}, else the spec's root. */
    public Location value(String pointer, Location fallback) {
        return orElse(source.value(pointer), fallback);
    }

    /** Where the key naming {@code pointer} is, else {@code fallback}, else the spec's root. */
    public Location key(String pointer, Location fallback) {
        return orElse(source.key(pointer), fallback);
    }

    /**
     * Whether the spec's author wrote this key, as opposed to the model holding a default. A spec
     * built in code (no source) counts as written out in full.
     */
    public boolean written(String pointer) {
        return source == SourceMap.NONE || source.key(pointer) != null;
    }

    /**
     * Whether the author set this key: written in the source, or, in a spec built in code (where
     * {@link #written} holds for every key), holding other than its default.
     */
    public boolean given(String pointer, boolean isDefault) {
        return source == SourceMap.NONE ? !isDefault : source.key(pointer) != null;
    }

    /** {@code at} may be in another file than the spec: a seccomp profile's findings point into the profile. */
    public void error(Location at, String message) {
        out.add(Diagnostic.error(at, ruleId, message));
    }

    public void warning(Location at, String message) {
        out.add(Diagnostic.warning(at, ruleId, message));
    }

    /** A spec's string quoted for a message: control characters escaped, so a finding stays one line. */
    static String q(String s) {
        return DidYouMean.quote(s);
    }

    private Location orElse(Location found, Location fallback) {
        if (found != null) return found;
        if (fallback != null) return fallback;
        return spec.at() != null ? spec.at() : Location.unknown(String.valueOf(spec.file()));
    }
}
