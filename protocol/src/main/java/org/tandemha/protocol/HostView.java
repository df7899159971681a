package org.tandemha.protocol;

import java.util.Map;
import java.util.Objects;

/** One host as XAPI reports it (host record + host_metrics.live). */
public record HostView(HostId id, String name, String address, boolean enabled, boolean live,
                       Map<String, String> otherConfig) implements CborSerializable {
  public HostView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    otherConfig = Map.copyOf(otherConfig);
  }
}
