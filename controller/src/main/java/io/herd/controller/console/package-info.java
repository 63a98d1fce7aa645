/**
 * The web console, served under {@code /console/} on the controller's HTTP port (nova_api.listen):
 * static pages from the classpath ({@code console/}), a JSON snapshot of hosts, groups and
 * servers, creates and deletes that go through the gRPC services' own validation, and a
 * server-sent event stream of changes. Authenticates with the compute API's rules
 * ({@link io.herd.controller.nova.NovaAuth}).
 *
 * <p>Owns nothing of the core: it reads views and calls the public API's service classes. It
 * must not import the store, the placement engine's internals or libvirt.
 */
package io.herd.controller.console;
