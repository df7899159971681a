package org.tandemha.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM as XAPI reports it; powerState is XAPI's wire string (Running, Halted, Paused, Suspended).
 *
 * @param affinity the host XAPI prefers for this VM, if any
 */
public record VmView(VmId id, String name, String powerState, Optional<HostId> residentOn,
                     boolean controlDomain, boolean template, boolean snapshot, long order,
                     Map<String, String> otherConfig, Optional<HostId> affinity) implements CborSerializable {
  public VmView(VmId id, String name, String powerState, Optional<HostId> residentOn, boolean controlDomain,
                boolean template, boolean snapshot, long order, Map<String, String> otherConfig) {
    this(id, name, powerState, residentOn, controlDomain, template, snapshot, order, otherConfig, Optional.empty());
  }

  public VmView {
    Objects.requireNonNull(affinity, "affinity");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(powerState, "powerState");
    Objects.requireNonNull(residentOn, "residentOn");
    otherConfig = Map.copyOf(otherConfig);
  }
  public boolean running() { return "Running".equals(powerState); }
  public boolean halted() { return "Halted".equals(powerState); }
}
