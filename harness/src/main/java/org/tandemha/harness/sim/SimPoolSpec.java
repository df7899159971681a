package org.tandemha.harness.sim;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Initial state of a simulated pool.
 *
 * @param fuse               delay between pool.emergency_transition_to_master replying and xapi restarting
 *                           (10 s on a real host)
 * @param xapiRestart        how long a restarting host's endpoint refuses connections
 * @param authFailureDelay   delay before SESSION_AUTHENTICATION_FAILED (5 s on a real host)
 * @param appliances         VM_appliances (§2.5); each names its member VMs by uuid
 */
public record SimPoolSpec(String poolUuid, String poolName, List<HostSpec> hosts, String masterUuid,
                          List<VmSpec> vms, Map<String, String> poolOtherConfig,
                          String username, String password,
                          Duration fuse, Duration xapiRestart, Duration authFailureDelay,
                          List<ApplianceSpec> appliances) {

    public SimPoolSpec {
        Objects.requireNonNull(poolUuid, "poolUuid");
        Objects.requireNonNull(poolName, "poolName");
        hosts = List.copyOf(hosts);
        vms = vms == null ? List.of() : List.copyOf(vms);
        poolOtherConfig = poolOtherConfig == null ? Map.of() : Map.copyOf(poolOtherConfig);
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(fuse, "fuse");
        Objects.requireNonNull(xapiRestart, "xapiRestart");
        Objects.requireNonNull(authFailureDelay, "authFailureDelay");
        appliances = appliances == null ? List.of() : List.copyOf(appliances);
        Set<String> hostUuids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (HostSpec h : hosts) {
            if (!hostUuids.add(h.uuid())) throw new IllegalArgumentException("duplicate host uuid " + h.uuid());
            if (!addresses.add(h.address())) throw new IllegalArgumentException("duplicate address " + h.address());
        }
        if (!hostUuids.contains(masterUuid)) throw new IllegalArgumentException("master " + masterUuid + " is not a host");
        Set<String> vmUuids = new HashSet<>();
        for (VmSpec vm : vms) {
            if (!vmUuids.add(vm.uuid())) throw new IllegalArgumentException("duplicate VM uuid " + vm.uuid());
            if (vm.residentOnHostUuid() != null && !hostUuids.contains(vm.residentOnHostUuid())) {
                throw new IllegalArgumentException("VM " + vm.uuid() + " resident on unknown host " + vm.residentOnHostUuid());
            }
        }
        Set<String> appUuids = new HashSet<>();
        Set<String> members = new HashSet<>();
        for (ApplianceSpec a : appliances) {
            if (!appUuids.add(a.uuid())) throw new IllegalArgumentException("duplicate appliance uuid " + a.uuid());
            for (String vm : a.vmUuids()) {
                if (!vmUuids.contains(vm)) throw new IllegalArgumentException("appliance " + a.uuid() + " names unknown VM " + vm);
                if (!members.add(vm)) throw new IllegalArgumentException("VM " + vm + " is in two appliances");
            }
        }
    }

    /** Same as the canonical constructor with no appliances. */
    public SimPoolSpec(String poolUuid, String poolName, List<HostSpec> hosts, String masterUuid,
                       List<VmSpec> vms, Map<String, String> poolOtherConfig,
                       String username, String password, Duration fuse, Duration xapiRestart,
                       Duration authFailureDelay) {
        this(poolUuid, poolName, hosts, masterUuid, vms, poolOtherConfig, username, password,
                fuse, xapiRestart, authFailureDelay, List.of());
    }

    /**
     * Reads a spec from JSON whose keys are this record's component names:
     * <pre>
     * {"poolUuid": "...", "poolName": "...", "masterUuid": "...",
     *  "hosts": [{"uuid": "...", "name": "host-a", "address": "127.0.0.11"}],
     *  "vms": [{"uuid": "...", "name": "web-01", "powerState": "Running", "residentOnHostUuid": "...",
     *           "otherConfig": {"ha.group": "gold"}, "order": 0, "startDelay": 0}],
     *  "poolOtherConfig": {}, "username": "root", "password": "secret",
     *  "fuse": "PT10S", "xapiRestart": "PT5S", "authFailureDelay": "PT0S",
     *  "appliances": [{"uuid": "...", "name": "app", "vmUuids": ["..."]}]}
     * </pre>
     * Durations are ISO-8601 strings or numbers of seconds; vms, poolOtherConfig, otherConfig,
     * order, startDelay, authFailureDelay and appliances may be omitted.
     */
    public static SimPoolSpec parse(String json) {
        Map<String, Object> root = object(JsonText.parse(json), "spec");
        List<HostSpec> hosts = new java.util.ArrayList<>();
        for (Object o : list(root.get("hosts"), "hosts")) {
            Map<String, Object> h = object(o, "host");
            hosts.add(new HostSpec(text(h, "uuid"), text(h, "name"), text(h, "address")));
        }
        List<VmSpec> vms = new java.util.ArrayList<>();
        for (Object o : list(root.getOrDefault("vms", List.of()), "vms")) {
            Map<String, Object> v = object(o, "vm");
            vms.add(new VmSpec(text(v, "uuid"), text(v, "name"), text(v, "powerState"),
                    (String) v.get("residentOnHostUuid"), stringMap(v.get("otherConfig")),
                    number(v.getOrDefault("order", 0L)), number(v.getOrDefault("startDelay", 0L))));
        }
        List<ApplianceSpec> appliances = new java.util.ArrayList<>();
        for (Object o : list(root.getOrDefault("appliances", List.of()), "appliances")) {
            Map<String, Object> a = object(o, "appliance");
            List<String> members = new java.util.ArrayList<>();
            for (Object m : list(a.getOrDefault("vmUuids", List.of()), "vmUuids")) members.add(String.valueOf(m));
            appliances.add(new ApplianceSpec(text(a, "uuid"), text(a, "name"), members));
        }
        return new SimPoolSpec(text(root, "poolUuid"), text(root, "poolName"), hosts, text(root, "masterUuid"),
                vms, stringMap(root.get("poolOtherConfig")), text(root, "username"), text(root, "password"),
                duration(root.get("fuse"), "fuse"), duration(root.get("xapiRestart"), "xapiRestart"),
                root.containsKey("authFailureDelay") ? duration(root.get("authFailureDelay"), "authFailureDelay") : Duration.ZERO,
                appliances);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(what + " must be a JSON object");
    }

    private static List<?> list(Object o, String what) {
        if (o instanceof List<?> l) return l;
        throw new IllegalArgumentException(what + " must be a JSON array");
    }

    private static String text(Map<String, Object> m, String key) {
        if (m.get(key) instanceof String s) return s;
        throw new IllegalArgumentException("'" + key + "' must be a string");
    }

    private static long number(Object o) {
        if (o instanceof Number n) return n.longValue();
        throw new IllegalArgumentException("expected a number, got " + o);
    }

    private static Map<String, String> stringMap(Object o) {
        if (o == null) return Map.of();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(o, "other_config").entrySet()) {
            if (!(e.getValue() instanceof String v)) throw new IllegalArgumentException("other_config values must be strings: " + e.getKey());
            out.put(e.getKey(), v);
        }
        return out;
    }

    private static Duration duration(Object o, String what) {
        if (o instanceof String s) return Duration.parse(s);
        if (o instanceof Number n) return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        throw new IllegalArgumentException("'" + what + "' must be an ISO-8601 duration or seconds");
    }

    /** Same as the canonical constructor with no authentication-failure delay. */
    public SimPoolSpec(String poolUuid, String poolName, List<HostSpec> hosts, String masterUuid,
                       List<VmSpec> vms, Map<String, String> poolOtherConfig,
                       String username, String password, Duration fuse, Duration xapiRestart) {
        this(poolUuid, poolName, hosts, masterUuid, vms, poolOtherConfig, username, password,
                fuse, xapiRestart, Duration.ZERO);
    }
}
