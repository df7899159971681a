package org.tandemha.harness.sim;

import java.util.List;
import java.util.Objects;

/** One simulated VM_appliance (§2.5): its members are named by VM uuid; a VM belongs to at most one appliance. */
public record ApplianceSpec(String uuid, String name, List<String> vmUuids) {
    public ApplianceSpec {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        vmUuids = vmUuids == null ? List.of() : List.copyOf(vmUuids);
    }
}
