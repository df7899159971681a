package org.tandemha.harness.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** Mutable pool-DB row of one VM_appliance; its VMs are derived from VM.appliance. Guarded by the pool lock. */
final class SimAppliance {
    final String ref;
    final String uuid;
    final String name;
    /** operation key (task ref) → operation name, as current_operations. */
    final Map<String, String> currentOperations = new LinkedHashMap<>();

    SimAppliance(String ref, String uuid, String name) {
        this.ref = ref;
        this.uuid = uuid;
        this.name = name;
    }
}
