package org.tandemha.harness.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A copy of the pool DB as the master pushes it to each host every pool_db_sync_interval (§3.3 step 3).
 * Sessions and tasks are not part of it.
 */
record DbImage(String masterRef, Map<String, String> poolOtherConfig, Map<String, HostRow> hosts, Map<String, SimVm> vms) {

    record HostRow(boolean enabled, boolean live, Map<String, String> otherConfig) {
    }

    /** Copies the DB fields of the pool; caller holds the pool lock. */
    static DbImage capture(SimPool pool) {
        Map<String, HostRow> hosts = new LinkedHashMap<>();
        for (SimHost h : pool.hosts.values()) {
            hosts.put(h.ref, new HostRow(h.enabled, h.live, Map.copyOf(h.otherConfig)));
        }
        Map<String, SimVm> vms = new LinkedHashMap<>();
        for (SimVm vm : pool.vms.values()) vms.put(vm.ref, vm.copy());
        return new DbImage(pool.masterRef, Map.copyOf(pool.poolOtherConfig), hosts, vms);
    }
}
