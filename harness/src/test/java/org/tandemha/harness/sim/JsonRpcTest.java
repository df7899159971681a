package org.tandemha.harness.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimFixtures.HOST_A;
import static org.tandemha.harness.sim.SimFixtures.HOST_B;
import static org.tandemha.harness.sim.SimFixtures.VM_HALTED;
import static org.tandemha.harness.sim.SimFixtures.VM_ON_A;
import static org.tandemha.harness.sim.Wire.Protocol.JSON_V1;
import static org.tandemha.harness.sim.Wire.Protocol.JSON_V2;
import static org.tandemha.harness.sim.Wire.Protocol.XML;

/** JSON-RPC on {@code /jsonrpc} (xapi-subset.md §1.6, realpeers.md §6) over raw HTTP. */
class JsonRpcTest {
    private static final String ADDR_A = "127.0.0.31";
    private static final String ADDR_B = "127.0.0.32";

    private SimPool pool;
    private XapiSimServer server;
    private URI master;
    private URI slave;

    @BeforeEach
    void start() throws Exception {
        pool = new SimPool(Wire.spec(ADDR_A, ADDR_B));
        server = new XapiSimServer(pool, 0);
        master = server.endpoint(HOST_A);
        slave = server.endpoint(HOST_B);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    @DisplayName("§1.7 JSON-RPC v2 example: login, then VM.get_all_records with bare ints, bools, date strings")
    void v2LoginAndAllRecords() throws Exception {
        Wire.Reply login = Wire.post(server.jsonRpcEndpoint(HOST_A), "application/json",
                "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\",\"2.21\",\"ha-controller\"],\"id\":1}");
        assertEquals(200, login.status());
        assertEquals("application/json", login.contentType());
        assertTrue(login.body().matches("\\{\"jsonrpc\":\"2\\.0\",\"result\":\"OpaqueRef:[0-9a-f-]{36}\",\"id\":1}"), login.body());
        String session = (String) Wire.decodeJson(JSON_V2, login.body(), 1L).value();

        Wire.Reply all = Wire.post(server.jsonRpcEndpoint(HOST_A), "application/json",
                "{\"jsonrpc\":\"2.0\",\"method\":\"VM.get_all_records\",\"params\":[\"" + session + "\"],\"id\":2}");
        assertEquals("application/json", all.contentType());
        Map<?, ?> records = assertInstanceOf(Map.class, Wire.decodeJson(JSON_V2, all.body(), 2L).value());
        Map<?, ?> web = assertInstanceOf(Map.class, records.get(pool.vmRef(VM_ON_A)), all.body());
        assertVmRecordTypes(web);
        // The raw text, not just the parse: ints are bare numbers, never quoted.
        assertTrue(all.body().contains("\"order\":0,"), all.body());
        assertTrue(all.body().contains("\"is_a_template\":false"), all.body());
        assertTrue(all.body().contains("\"snapshot_time\":\"19700101T00:00:00Z\""), all.body());
    }

    @Test
    @DisplayName("§1.6 v1: {result, error:null, id} with a string id echoed back")
    void v1LoginAndAllRecords() throws Exception {
        Wire.Reply login = Wire.post(server.jsonRpcEndpoint(HOST_A), "application/json",
                "{\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":\"a-1\"}");
        assertEquals("application/json", login.contentType());
        assertTrue(login.body().matches("\\{\"result\":\"OpaqueRef:[0-9a-f-]{36}\",\"error\":null,\"id\":\"a-1\"}"), login.body());
        String session = (String) Wire.decodeJson(JSON_V1, login.body(), "a-1").value();

        Map<?, ?> records = assertInstanceOf(Map.class, Wire.ok(master, JSON_V1, "VM.get_all_records", session));
        assertVmRecordTypes(assertInstanceOf(Map.class, records.get(pool.vmRef(VM_ON_A))));
        assertEquals(5, records.size(), "3 guests + 2 dom0s");
    }

    private static void assertVmRecordTypes(Map<?, ?> vm) {
        assertEquals("web-a", vm.get("name_label"));
        assertEquals("Running", vm.get("power_state"));
        assertEquals(0L, vm.get("order"));
        assertEquals(0L, vm.get("start_delay"));
        assertInstanceOf(Long.class, vm.get("domid"));
        assertInstanceOf(Long.class, vm.get("memory_static_max"));
        assertEquals(Boolean.FALSE, vm.get("is_a_template"));
        assertEquals(Boolean.FALSE, vm.get("is_control_domain"));
        assertEquals(1L, ((Number) vm.get("HVM_shadow_multiplier")).longValue());
        assertEquals("19700101T00:00:00Z", vm.get("snapshot_time"));
        assertEquals(Map.of("ha.group", "gold"), vm.get("other_config"));
        assertEquals(List.of(), vm.get("allowed_operations"));
        assertEquals(Map.of(), vm.get("current_operations"));
        assertEquals("OpaqueRef:NULL", vm.get("appliance"));
    }

    @ParameterizedTest
    @EnumSource(value = Wire.Protocol.class, names = {"JSON_V1", "JSON_V2"})
    @DisplayName("§1.6 void is \"\"; typed JSON params (booleans) reach the call like XML-RPC ones")
    void voidResultsAndTypedParams(Wire.Protocol p) throws Exception {
        String s = Wire.login(master, p);
        String vm = pool.vmRef(VM_HALTED);
        assertEquals("", Wire.ok(master, p, "VM.add_to_other_config", s, vm, "k", "v"));
        assertEquals("", Wire.ok(master, p, "VM.start", s, vm, false, false));
        assertEquals("Running", pool.vmPowerState(VM_HALTED));
        assertEquals("v", pool.vmOtherConfig(VM_HALTED).get("k"));
        assertEquals(2L, Wire.ok(master, p, "host.get_API_version_major", s, pool.hostRef(HOST_A)));
        assertEquals(Boolean.FALSE, Wire.ok(master, p, "pool.is_slave", s, pool.hostRef(HOST_A)));
        assertEquals("", Wire.ok(master, p, "session.logout", s));
    }

    @Test
    @DisplayName("§1.1: a session from XML-RPC is valid on JSON-RPC and the other way round")
    void sessionsCrossProtocols() throws Exception {
        String fromXml = Wire.login(master, XML);
        assertEquals(5, ((Map<?, ?>) Wire.ok(master, JSON_V2, "VM.get_all_records", fromXml)).size());
        assertEquals(pool.hostRef(HOST_A), Wire.ok(master, JSON_V1, "pool.get_master", fromXml,
                ((List<?>) Wire.ok(master, JSON_V1, "pool.get_all", fromXml)).get(0)));

        String fromJson = Wire.login(master, JSON_V2);
        assertEquals(5, ((Map<?, ?>) Wire.ok(master, XML, "VM.get_all_records", fromJson)).size());
        // Logging out over one protocol ends the session for the other too: one session table.
        Wire.ok(master, XML, "session.logout", fromJson);
        assertEquals(List.of("SESSION_INVALID", fromJson), Wire.call(master, JSON_V2, "VM.get_all", fromJson).failure());
    }

    @ParameterizedTest
    @EnumSource(Wire.Protocol.class)
    @DisplayName("§1.7/§3.1: login on a slave gives HOST_IS_SLAVE [master address] in every protocol")
    void hostIsSlave(Wire.Protocol p) throws Exception {
        Wire.Result r = Wire.call(slave, p, "session.login_with_password", "root", "secret");
        assertEquals(List.of("HOST_IS_SLAVE", ADDR_A), r.failure());
        // A pool session taken on the master is also refused by the slave (session_check.ml).
        String s = Wire.login(master, p);
        assertEquals(List.of("HOST_IS_SLAVE", ADDR_A), Wire.call(slave, p, "VM.get_all", s).failure());
    }

    @Test
    @DisplayName("§1.7: the exact v2 HOST_IS_SLAVE body a JSON client follows")
    void hostIsSlaveExactV2Body() throws Exception {
        Wire.Reply r = Wire.post(server.jsonRpcEndpoint(HOST_B), "application/json",
                "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":3}");
        assertEquals("application/json", r.contentType());
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"HOST_IS_SLAVE\",\"data\":[\"" + ADDR_A
                + "\"]},\"id\":3}", r.body());
        Wire.Reply v1 = Wire.post(server.jsonRpcEndpoint(HOST_B), "application/json",
                "{\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"],\"id\":4}");
        assertEquals("{\"result\":null,\"error\":[\"HOST_IS_SLAVE\",\"" + ADDR_A + "\"],\"id\":4}", v1.body());
    }

    @Test
    @DisplayName("realpeers.md §6: the npm xen-api connect sequence (id 0, system.listMethods with [])")
    void npmClientSequence() throws Exception {
        URI json = server.jsonRpcEndpoint(HOST_A);
        Wire.Reply login = Wire.post(json, "application/json",
                "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\",\"params\":[\"root\",\"secret\"]}");
        String s = (String) Wire.decodeJson(JSON_V2, login.body(), 0L).value();
        Wire.Reply records = Wire.post(json, "application/json",
                "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"pool.get_all_records\",\"params\":[\"" + s + "\"]}");
        Map<?, ?> pools = assertInstanceOf(Map.class, Wire.decodeJson(JSON_V2, records.body(), 0L).value());
        Map<?, ?> rec = assertInstanceOf(Map.class, pools.values().iterator().next());
        assertEquals(pool.hostRef(HOST_A), rec.get("master"));
        assertEquals(0L, rec.get("ha_host_failures_to_tolerate"));
        Wire.Reply list = Wire.post(json, "application/json",
                "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"system.listMethods\",\"params\":[]}");
        assertEquals(200, list.status());
        List<?> methods = assertInstanceOf(List.class, Wire.decodeJson(JSON_V2, list.body(), 0L).value());
        assertTrue(methods.contains("pool.get_all_records") && methods.contains("VM.get_all_records"), methods::toString);
    }
}
