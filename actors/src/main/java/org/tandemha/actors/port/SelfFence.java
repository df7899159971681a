package org.tandemha.actors.port;

/**
 * This host fencing itself: the last resort of a node that must stop its work and cannot be sure anyone
 * else will. Real adapter: an immediate reboot (sysrq); simulated: the harness powers the simulated host
 * off. It does not return when it works.
 */
public interface SelfFence {
  /** What firing does, for logs and status, e.g. {@code sysrq reboot}. */
  String method();

  void fire(String reason);
}
