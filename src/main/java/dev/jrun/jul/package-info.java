/**
 * A stand-in for the part of {@code java.util.logging} that JNA (and two other shaded
 * dependencies) call. The shade plugin rewrites their references to these classes (pom.xml),
 * because {@code Logger.getLogger} in JNA's {@code Native} initializer starts the whole logging
 * framework, including a ServiceLoader scan of the jar and the JDK image: ~15 ms on the critical
 * path of every cold {@code jrun} (docs/design.md). Records at INFO and above go to stderr, as
 * {@code java.util.logging}'s default console handler would print them; the rest are dropped.
 * Unit tests run against the unshaded libraries and the real framework.
 */
package dev.jrun.jul;
