package org.tandemha.harness;

import java.util.List;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.protocol.HostId;

/** dom0's view of the simulated host's hypervisor: the simulator's domains of this host, over its control endpoint. */
public final class SimLocalDomains implements LocalDomains {
  private final SimPowerFence world;
  private final HostId self;

  public SimLocalDomains(SimPowerFence world, HostId self) {
    this.world = world;
    this.self = self;
  }

  @Override public List<Domain> running() {
    return world.domains(self);
  }

  @Override public void destroy(Domain domain) {
    world.destroyDomain(self, domain.vmUuid());
  }
}
