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
 */
public record PoolSnapshot(PoolId pool, HostId master, Map<String, String> poolOtherConfig,
                           List<HostView> hosts, List<VmView> vms, Instant at, boolean nativeHaEnabled)
    implements CborSerializable {
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
  }
  public Optional<HostView> host(HostId id) { return hosts.stream().filter(h -> h.id().equals(id)).findFirst(); }
  public Optional<VmView> vm(VmId id) { return vms.stream().filter(v -> v.id().equals(id)).findFirst(); }
}
