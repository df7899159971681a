package org.tandemha.harness.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of every table as get_record returns them and event.from snapshots them. Plain Java
 * values only (String, Long, Boolean, Double, Instant, List, Map) so that every codec can encode them.
 * Callers hold the pool lock.
 */
final class SimRecords {
    private SimRecords() {
    }

    /** ref → {lower-case class, record} for every object of every table, in a stable order. */
    static Map<String, Object[]> all(SimPool pool) {
        Map<String, Object[]> all = new LinkedHashMap<>();
        all.put(pool.poolRef, new Object[] {"pool", pool(pool)});
        for (SimHost h : pool.hosts.values()) all.put(h.ref, new Object[] {"host", host(pool, h)});
        for (SimHost h : pool.hosts.values()) all.put(h.metricsRef, new Object[] {"host_metrics", metrics(pool, h)});
        for (SimVm vm : pool.vms.values()) all.put(vm.ref, new Object[] {"vm", vm(vm)});
        for (SimAppliance a : pool.appliances.values()) all.put(a.ref, new Object[] {"vm_appliance", appliance(pool, a)});
        for (SimTask t : pool.tasks.values()) all.put(t.ref, new Object[] {"task", task(t)});
        return all;
    }

    static Map<String, Object> pool(SimPool pool) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", pool.poolUuid);
        r.put("name_label", pool.poolName);
        r.put("name_description", "");
        r.put("master", pool.masterRef);
        r.put("default_SR", SimPool.NULL_REF);
        r.put("other_config", new LinkedHashMap<>(pool.poolOtherConfig));
        r.put("ha_enabled", false);
        r.put("ha_configuration", Map.of());
        r.put("ha_statefiles", List.of());
        r.put("ha_host_failures_to_tolerate", 0L);
        r.put("ha_plan_exists_for", 0L);
        r.put("ha_allow_overcommit", false);
        r.put("ha_overcommitted", false);
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("tags", List.of());
        return r;
    }

    static List<String> residentVms(SimPool pool, SimHost h) {
        List<String> refs = new ArrayList<>();
        for (SimVm vm : pool.vms.values()) {
            if (vm.residentOn.equals(h.ref)) refs.add(vm.ref);
        }
        return refs;
    }

    static Map<String, Object> host(SimPool pool, SimHost h) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", h.uuid);
        r.put("name_label", h.name);
        r.put("name_description", "");
        r.put("hostname", h.name);
        r.put("address", h.address);
        r.put("enabled", h.enabled);
        r.put("metrics", h.metricsRef);
        r.put("other_config", new LinkedHashMap<>(h.otherConfig));
        r.put("API_version_major", 2L);
        r.put("API_version_minor", 14L);
        r.put("API_version_vendor", "XenSource");
        r.put("software_version", Map.of("product_version", "8.1.0", "product_brand", "XenServer (simulated)"));
        r.put("resident_VMs", residentVms(pool, h));
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("tags", List.of());
        return r;
    }

    static Map<String, Object> metrics(SimPool pool, SimHost h) {
        long used = 0;
        for (SimVm vm : pool.vms.values()) {
            if (vm.residentOn.equals(h.ref)) used += vm.memoryStaticMax;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", h.metricsUuid);
        r.put("memory_total", h.memoryTotal);
        r.put("memory_free", Math.max(0, h.memoryTotal - used));
        r.put("live", h.live);
        r.put("last_updated", h.metricsUpdated);
        r.put("other_config", Map.of());
        return r;
    }

    static Map<String, Object> vm(SimVm vm) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", vm.uuid);
        r.put("name_label", vm.name);
        r.put("name_description", "");
        r.put("power_state", vm.powerState);
        r.put("resident_on", vm.residentOn);
        r.put("affinity", vm.affinity);
        r.put("is_control_domain", vm.isControlDomain);
        r.put("is_a_template", vm.isTemplate);
        r.put("is_a_snapshot", vm.isSnapshot);
        r.put("other_config", new LinkedHashMap<>(vm.otherConfig));
        r.put("appliance", vm.appliance);
        r.put("ha_restart_priority", vm.haRestartPriority);
        r.put("ha_always_run", vm.haAlwaysRun);
        r.put("order", vm.order);
        r.put("start_delay", vm.startDelay);
        r.put("shutdown_delay", vm.shutdownDelay);
        r.put("domid", vm.domid);
        r.put("memory_static_max", vm.memoryStaticMax);
        r.put("memory_dynamic_max", vm.memoryStaticMax);
        r.put("memory_static_min", vm.memoryStaticMax);
        r.put("memory_dynamic_min", vm.memoryStaticMax);
        r.put("HVM_shadow_multiplier", 1.0);
        r.put("snapshot_time", Instant.EPOCH);
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("blocked_operations", Map.of());
        r.put("tags", List.of());
        return r;
    }

    static List<String> applianceVms(SimPool pool, SimAppliance a) {
        List<String> refs = new ArrayList<>();
        for (SimVm vm : pool.vms.values()) {
            if (vm.appliance.equals(a.ref)) refs.add(vm.ref);
        }
        return refs;
    }

    static Map<String, Object> appliance(SimPool pool, SimAppliance a) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", a.uuid);
        r.put("name_label", a.name);
        r.put("name_description", "");
        r.put("allowed_operations", a.currentOperations.isEmpty() ? List.of("start", "clean_shutdown", "hard_shutdown") : List.of());
        r.put("current_operations", new LinkedHashMap<>(a.currentOperations));
        r.put("VMs", applianceVms(pool, a));
        return r;
    }

    static Map<String, Object> message(SimPool.SimMessage m) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", m.uuid());
        r.put("name", m.name());
        r.put("priority", m.priority());
        r.put("cls", m.cls());
        r.put("obj_uuid", m.objUuid());
        r.put("timestamp", m.timestamp());
        r.put("body", m.body());
        return r;
    }

    static Map<String, Object> task(SimTask t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", t.uuid);
        r.put("name_label", t.nameLabel);
        r.put("name_description", "");
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("created", t.created);
        r.put("finished", t.finished);
        r.put("status", t.status);
        r.put("resident_on", t.residentOn);
        r.put("progress", t.progress);
        r.put("type", "<none/>");
        r.put("result", t.result);
        r.put("error_info", List.copyOf(t.errorInfo));
        r.put("other_config", Map.of());
        r.put("subtask_of", SimPool.NULL_REF);
        r.put("subtasks", List.of());
        return r;
    }
}
