package org.tandemha.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * One host as XAPI reports it (host record + host_metrics live and memory_free).
 *
 * @param memoryFree bytes free as host_metrics reports them (0 when unknown)
 */
public record HostView(HostId id, String name, String address, boolean enabled, boolean live,
                       Map<String, String> otherConfig, long memoryFree) implements CborSerializable {
  public HostView(HostId id, String name, String address, boolean enabled, boolean live,
                  Map<String, String> otherConfig) {
    this(id, name, address, enabled, live, otherConfig, 0);
  }

  public HostView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    otherConfig = Map.copyOf(otherConfig);
    if (memoryFree < 0) throw new IllegalArgumentException("memoryFree must not be negative");
  }
}
