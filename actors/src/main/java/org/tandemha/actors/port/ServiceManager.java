package org.tandemha.actors.port;

/**
 * The service manager this process runs under (systemd's {@code sd_notify} protocol), told when the node is ready
 * and kept alive by the guardian's own tick: a guardian that stops processing messages stops the keep-alives, and
 * the service manager restarts the process ({@code WatchdogSec=}). {@link #NONE} when not run as a service.
 * Every method returns at once and never throws: the node's work never waits on its service manager.
 */
public interface ServiceManager {
  /** The node serves: it has joined or formed its cluster and read the pool (status: one line for the operator). */
  void ready(String status);

  /** One keep-alive for the service's watchdog. */
  void alive();

  /** What the node is doing or waiting for, shown by {@code systemctl status}. */
  void status(String status);

  /** The process is shutting down on purpose. */
  void stopping();

  ServiceManager NONE = new ServiceManager() {
    @Override public void ready(String status) {}
    @Override public void alive() {}
    @Override public void status(String status) {}
    @Override public void stopping() {}
  };
}
