package org.tandemha.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one read of the pool master's database returned, and when the read began.
 *
 * @param nativeHaEnabled XenServer's own HA (pool.ha_enabled) is on: then xhad owns failover and Tandem
 *                        must not act
 * @param appliances      the pool's vApps (VM_appliance), members named by each VM's {@code appliance}
 */
public record PoolSnapshot(PoolId pool, HostId master, Map<String, String> poolOtherConfig,
                           List<HostView> hosts, List<VmView> vms, Instant at, boolean nativeHaEnabled,
                           List<Appliance> appliances)
    implements CborSerializable {
  /** One vApp as XAPI reports it. */
  public record Appliance(String uuid, String name) implements CborSerializable {
    public Appliance {
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(name, "name");
    }
  }

  public PoolSnapshot(PoolId pool, HostId master, Map<String, String> poolOtherConfig, List<HostView> hosts,
                      List<VmView> vms, Instant at, boolean nativeHaEnabled) {
    this(pool, master, poolOtherConfig, hosts, vms, at, nativeHaEnabled, List.of());
  }

  public PoolSnapshot(PoolId pool, HostId master, Map<String, String> poolOtherConfig, List<HostView> hosts,
                      List<VmView> vms, Instant at) {
    this(pool, master, poolOtherConfig, hosts, vms, at, false);
  }

  public PoolSnapshot {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(at, "at");
    poolOtherConfig = Map.copyOf(poolOtherConfig);
    hosts = List.copyOf(hosts);
    vms = List.copyOf(vms);
    appliances = List.copyOf(appliances);
  }

  /** The members of one vApp. */
  public List<VmView> members(String applianceUuid) {
    return vms.stream().filter(v -> v.appliance().filter(applianceUuid::equals).isPresent()).toList();
  }
  public Optional<HostView> host(HostId id) { return hosts.stream().filter(h -> h.id().equals(id)).findFirst(); }
  public Optional<VmView> vm(VmId id) { return vms.stream().filter(v -> v.id().equals(id)).findFirst(); }
}
