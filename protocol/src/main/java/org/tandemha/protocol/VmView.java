package org.tandemha.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM as XAPI reports it; powerState is XAPI's wire string (Running, Halted, Paused, Suspended).
 *
 * @param affinity  the host XAPI prefers for this VM, if any
 * @param appliance the UUID of the vApp (VM_appliance) the VM belongs to, if any
 * @param busy      XAPI lists an operation in progress on it (current_operations not empty: a start, a
 *                  migration…): its domains may legitimately be in flux
 */
public record VmView(VmId id, String name, String powerState, Optional<HostId> residentOn,
                     boolean controlDomain, boolean template, boolean snapshot, long order,
                     Map<String, String> otherConfig, Optional<HostId> affinity, Optional<String> appliance,
                     boolean busy) implements CborSerializable {
  public VmView(VmId id, String name, String powerState, Optional<HostId> residentOn, boolean controlDomain,
                boolean template, boolean snapshot, long order, Map<String, String> otherConfig,
                Optional<HostId> affinity) {
    this(id, name, powerState, residentOn, controlDomain, template, snapshot, order, otherConfig, affinity,
        Optional.empty(), false);
  }

  public VmView(VmId id, String name, String powerState, Optional<HostId> residentOn, boolean controlDomain,
                boolean template, boolean snapshot, long order, Map<String, String> otherConfig) {
    this(id, name, powerState, residentOn, controlDomain, template, snapshot, order, otherConfig, Optional.empty());
  }

  public VmView {
    Objects.requireNonNull(affinity, "affinity");
    Objects.requireNonNull(appliance, "appliance");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(powerState, "powerState");
    Objects.requireNonNull(residentOn, "residentOn");
    otherConfig = Map.copyOf(otherConfig);
  }
  public boolean running() { return "Running".equals(powerState); }
  public boolean halted() { return "Halted".equals(powerState); }
}
