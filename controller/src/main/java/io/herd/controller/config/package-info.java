/**
 * herd-controller's configuration: one validated record, loaded from YAML plus
 * command-line overrides. Imports Jackson; nothing of the core, the store or gRPC.
 */
package io.herd.controller.config;
