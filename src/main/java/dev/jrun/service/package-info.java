/**
 * The per-user jrun service, which supervises the user's detached containers, and the client
 * side that starts it and talks to it. Runs in: the service process ({@code jrun service}), and
 * for {@link dev.jrun.service.ServiceClient} any jrun command.
 */
package dev.jrun.service;
