package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.security.SeccompProfile;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.DidYouMean;
import dev.jrun.spec.Location;
import dev.jrun.spec.Spec;
import dev.jrun.spec.SpecReader;
import dev.jrun.sys.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code security.seccomp}: no filter at all, and a profile file that must exist, parse and name
 * syscalls libseccomp knows. A profile's own findings point into the profile file.
 */
final class SeccompRules {
    /** A broken profile's first findings are worth reading; a hundred more are one mistake's echoes. */
    private static final int MAX_PROFILE_FINDINGS = 20;

    private SeccompRules() {}

    static void unconfined(Spec spec, Findings out) {
        Spec.Seccomp s = spec.security() == null ? null : spec.security().seccomp();
        if (s == null || s.kind() != Spec.SeccompKind.UNCONFINED) return;
        out.warning(out.value("/security/seccomp", s.at()), "seccomp unconfined: the process may make every syscall its"
                + " capabilities allow (keyctl, bpf, userfaultfd, ...); remove it unless you need that");
    }

    /** The profile, or why there is none: {@code problem} about the file, or the profile's own findings. */
    private record Read(SeccompProfile profile, String problem, List<Diagnostic> findings) {}

    private static Spec.Seccomp profileSetting(Spec spec) {
        Spec.Seccomp s = spec.security() == null ? null : spec.security().seccomp();
        return s != null && s.kind() == Spec.SeccompKind.PROFILE && s.profile() != null ? s : null;
    }

    private static Read read(Path file) {
        if (!Files.exists(file)) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            return new Read(null, "does not exist" + DidYouMean.hint(name, List.of("default", "unconfined")), List.of());
        }
        // Not a FIFO or /dev/zero: lint must not block or read forever.
        if (!Files.isRegularFile(file)) {
            return new Read(null, Files.isDirectory(file) ? "is a directory" : "is not a regular file", List.of());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(SpecReader.MAX_BYTES + 1);
        } catch (AccessDeniedException e) {
            return new Read(null, "cannot be read: permission denied", List.of());
        } catch (IOException e) {
            return new Read(null, "cannot be read: " + e.getMessage(), List.of());
        }
        if (bytes.length > SpecReader.MAX_BYTES) return new Read(null, "is larger than 1 MiB, the limit for a profile", List.of());
        try {
            return new Read(SeccompProfile.parse(SourceRules.display(file), bytes), null, List.of());
        } catch (SeccompProfile.InvalidProfileException e) {
            return new Read(null, null, e.diagnostics());
        }
    }

    static void profile(Spec spec, Findings out) {
        Spec.Seccomp s = profileSetting(spec);
        if (s == null) return;
        Location at = out.value("/security/seccomp", s.at());
        String shown = q(SourceRules.display(s.profile()));
        Read r = read(s.profile());
        if (r.problem() != null) {
            out.error(at, "seccomp profile " + shown + " " + r.problem());
            return;
        }
        if (r.profile() != null) return;
        List<Diagnostic> found = r.findings();
        out.error(at, "seccomp profile " + shown + " is not valid: " + found.size() + (found.size() == 1 ? " error" : " errors")
                + ", reported in the profile");
        for (int i = 0; i < found.size() && i < MAX_PROFILE_FINDINGS; i++) out.error(found.get(i).at(), found.get(i).message());
        if (found.size() > MAX_PROFILE_FINDINGS) {
            out.error(found.get(MAX_PROFILE_FINDINGS).at(), (found.size() - MAX_PROFILE_FINDINGS) + " more errors in this profile are not shown");
        }
    }

    /**
     * libseccomp leaves out a rule for a name it does not know (a typo, or a syscall newer than
     * it), so the default action applies to that syscall. Without libseccomp there is nothing to
     * ask; the run says what is missing.
     */
    static void syscalls(Spec spec, Findings out) {
        Spec.Seccomp s = profileSetting(spec);
        if (s == null) return;
        SeccompProfile profile = read(s.profile()).profile();
        if (profile == null) return;
        try {
            for (SeccompProfile.Rule rule : profile.syscalls()) {
                for (int i = 0; i < rule.names().size(); i++) {
                    String name = rule.names().get(i);
                    if (Seccomp.isKnown(name)) continue;
                    out.warning(profile.locate(rule.pointer() + "/names/" + i), "libseccomp does not know the syscall " + q(name)
                            + ", so the filter has no rule for it" + DidYouMean.hint(name, Seccomp.knownSyscallNames()));
                }
            }
        } catch (Seccomp.SeccompException | LinkageError e) {
            // no libseccomp (or no JNA) on this host: skip, as documented
        }
    }
}
