package org.tandemha.actors.port;

import java.util.List;

/**
 * The guests this host's hypervisor really runs, read and stopped locally in dom0 — not through XAPI, which
 * needs the pool master an isolated host cannot reach. Real adapter: {@code xl list -l} / {@code xl destroy};
 * simulated: the simulator's per-host domains.
 */
public interface LocalDomains {
  /** A running guest domain: its VM UUID and name. */
  record Domain(String vmUuid, String name) {}

  /** Guests running here now (never dom0). */
  List<Domain> running();

  /** Destroys one guest's domain at once (no clean shutdown): the isolation self-fence. */
  void destroy(Domain domain);
}
