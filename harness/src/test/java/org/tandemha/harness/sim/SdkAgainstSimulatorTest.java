package org.tandemha.harness.sim;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimFixtures.*;

/** The real Java SDK 8.1.0 talking to the simulator, plus raw wire checks. */
class SdkAgainstSimulatorTest {
    private SimPool pool;
    private XapiSimServer server;

    private void start(int hosts) throws Exception {
        pool = new SimPool(SimFixtures.spec(hosts));
        server = new XapiSimServer(pool, 0);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Connection connect(String hostUuid) throws Exception {
        return new Connection(new URL(server.endpoint(hostUuid).toString()));
    }

    private Connection loginToMaster() throws Exception {
        Connection c = connect(HOST_A);
        Session.loginWithPassword(c, USER, PASSWORD);
        return c;
    }

    @Test
    void readsAllVmRecordsFromTheMaster() throws Exception {
        start(3);
        Connection c = loginToMaster();
        Map<VM, VM.Record> records = VM.getAllRecords(c);
        Map<String, VM.Record> byName = records.values().stream()
                .collect(Collectors.toMap(r -> r.nameLabel, r -> r));
        assertEquals(7, byName.size(), "4 guests + 3 dom0s: " + byName.keySet());
        assertEquals(Types.VmPowerState.RUNNING, byName.get("web-a").powerState);
        assertEquals(Types.VmPowerState.HALTED, byName.get("spare").powerState);
        assertEquals("gold", byName.get("web-a").otherConfig.get("ha.group"));
        assertFalse(byName.get("web-a").isControlDomain);
        assertEquals(1L, byName.get("web-b").order);
        VM.Record dom0 = byName.get("Control domain on host: host-b");
        assertTrue(dom0.isControlDomain);
        assertEquals(Types.VmPowerState.RUNNING, dom0.powerState);
        assertEquals(pool.hostRef(HOST_B), dom0.residentOn.toWireString());
        assertEquals("OpaqueRef:NULL", byName.get("spare").residentOn.toWireString());
        assertEquals(-1L, byName.get("spare").domid);

        Set<Pool> pools = Pool.getAll(c);
        assertEquals(1, pools.size());
        Pool p = pools.iterator().next();
        assertEquals(pool.hostRef(HOST_A), p.getMaster(c).toWireString());
        Host.Record master = Host.getByUuid(c, HOST_A).getRecord(c);
        assertEquals(ADDR_A, master.address);
        assertTrue(master.enabled);
        assertTrue(master.metrics.getLive(c));
        assertTrue(master.metrics.getRecord(c).live);
        assertEquals(2L, master.APIVersionMajor);
    }

    @Test
    void loginOnASlaveNamesTheMaster() throws Exception {
        start(3);
        Types.HostIsSlave e = assertThrows(Types.HostIsSlave.class,
                () -> Session.loginWithPassword(connect(HOST_B), USER, PASSWORD));
        assertEquals(ADDR_A, e.masterIPAddress);
        assertEquals("HOST_IS_SLAVE", pool.callLog().get(pool.callLog().size() - 1).outcome());
        assertThrows(Types.SessionAuthenticationFailed.class,
                () -> Session.loginWithPassword(connect(HOST_A), USER, "wrong"));
    }

    @Test
    void powerStateResetNeedsAnUnreachableHost() throws Exception {
        start(3);
        Connection c = loginToMaster();
        pool.powerOff(HOST_B);
        assertFalse(pool.isPoweredOn(HOST_B));
        // A real pool still shows the dead host's VMs Running on it.
        assertEquals("Running", pool.vmPowerState(VM_ON_B));
        assertEquals(HOST_B, pool.vmResidentOnUuid(VM_ON_B));

        VM.getByUuid(c, VM_ON_B).powerStateReset(c);
        assertEquals("Halted", pool.vmPowerState(VM_ON_B));
        assertNull(pool.vmResidentOnUuid(VM_ON_B));

        Types.HostIsLive live = assertThrows(Types.HostIsLive.class, () -> VM.getByUuid(c, VM_ON_C).powerStateReset(c));
        assertEquals(pool.hostRef(HOST_C), live.host);
        Types.DomainExists onMaster = assertThrows(Types.DomainExists.class,
                () -> VM.getByUuid(c, VM_ON_A).powerStateReset(c));
        assertEquals(pool.vmRef(VM_ON_A), onMaster.vm);
        assertEquals("Running", pool.vmPowerState(VM_ON_C));
    }

    @Test
    void emergencyTransitionThenRestartOnTheNewMaster() throws Exception {
        start(2);
        pool.powerOff(HOST_A);
        Connection local = connect(HOST_B);
        Session.slaveLocalLoginWithPassword(local, USER, PASSWORD);
        Pool.emergencyTransitionToMaster(local);

        Connection c = await(Duration.ofSeconds(10), () -> {
            Connection attempt = connect(HOST_B);
            Session.loginWithPassword(attempt, USER, PASSWORD);
            return attempt;
        });
        assertEquals(HOST_B, pool.masterUuid());
        assertTrue(pool.hostRole(HOST_B).master());
        assertTrue(Pool.recoverSlaves(c).isEmpty());
        // The slave-local session died with the old xapi process.
        assertThrows(Types.SessionInvalid.class, () -> Pool.getAll(local));

        VM vm = VM.getByUuid(c, VM_ON_A);
        vm.powerStateReset(c); // the dead old master still looks live, but cannot be contacted
        // Auto placement still picks the dead, live&&enabled old master (§3.3 step 7).
        Types.CannotContactHost placed = assertThrows(Types.CannotContactHost.class, () -> vm.start(c, false, false));
        assertEquals(pool.hostRef(HOST_A), placed.host);

        vm.startOn(c, Host.getByUuid(c, HOST_B), false, false);
        assertEquals("Running", pool.vmPowerState(VM_ON_A));
        assertEquals(HOST_B, pool.vmResidentOnUuid(VM_ON_A));
        assertEquals(1, pool.startCount(VM_ON_A));
        Types.VmBadPowerState again = assertThrows(Types.VmBadPowerState.class,
                () -> vm.startOn(c, Host.getByUuid(c, HOST_B), false, false));
        assertEquals("halted", again.expected);
        assertEquals("running", again.actual);
        assertEquals(1, pool.startCount(VM_ON_A));
    }

    @Test
    void otherConfigMapsAreNotIdempotent() throws Exception {
        start(2);
        Connection c = loginToMaster();
        Pool p = Pool.getAll(c).iterator().next();
        p.addToOtherConfig(c, "tandem.lease", "node-1");
        Types.MapDuplicateKey dup = assertThrows(Types.MapDuplicateKey.class,
                () -> p.addToOtherConfig(c, "tandem.lease", "node-1"));
        assertEquals("pool", dup.type);
        assertEquals("other_config", dup.paramName);
        assertEquals(p.toWireString(), dup.uuid); // xapi sends the object ref here, despite the SDK's name
        assertEquals("tandem.lease", dup.key);
        p.removeFromOtherConfig(c, "tandem.lease");
        p.removeFromOtherConfig(c, "tandem.lease");
        assertEquals(Map.of("tandem.epoch", "1"), pool.poolOtherConfig());

        VM vm = VM.getByUuid(c, VM_HALTED);
        vm.addToOtherConfig(c, "tandem.owner", "x");
        assertEquals("x", pool.vmOtherConfig(VM_HALTED).get("tandem.owner"));
    }

    // ------------------------------------------------------------ raw wire

    private static final String HEAD = "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>";
    private static final String TAIL = "</struct></value></param></params></methodResponse>";

    private HttpResponse<String> post(String hostUuid, String path, String body) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = server.endpoint(hostUuid).resolve(path);
        return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String call(String method, String... params) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>")
                .append(method).append("</methodName><params>");
        for (String p : params) sb.append("<param><value>").append(p).append("</value></param>");
        return sb.append("</params></methodCall>").toString();
    }

    private static String failure(String... description) {
        StringBuilder sb = new StringBuilder(HEAD)
                .append("<member><name>Status</name><value>Failure</value></member>")
                .append("<member><name>ErrorDescription</name><value><array><data>");
        for (String d : description) sb.append("<value>").append(d).append("</value>");
        return sb.append("</data></array></value></member>").append(TAIL).toString();
    }

    @Test
    void wireEnvelopes() throws Exception {
        start(2);
        HttpResponse<String> mismatch = post(HOST_A, "/", call("VM.start", "OpaqueRef:whatever", "OpaqueRef:vm"));
        assertEquals(200, mismatch.statusCode());
        assertEquals(failure("MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.start", "3", "1"), mismatch.body());

        HttpResponse<String> invalid = post(HOST_A, "/RPC2", call("pool.get_all", "OpaqueRef:bogus"));
        assertEquals(200, invalid.statusCode());
        assertEquals(failure("SESSION_INVALID", "OpaqueRef:bogus"), invalid.body());

        HttpResponse<String> login = post(HOST_A, "/xmlrpc", call("session.login_with_password", USER, PASSWORD, "2.14", "test"));
        assertTrue(login.body().matches(java.util.regex.Pattern.quote(HEAD
                + "<member><name>Status</name><value>Success</value></member><member><name>Value</name><value>")
                + "OpaqueRef:[0-9a-f-]{36}" + java.util.regex.Pattern.quote("</value></member>" + TAIL)), login.body());
        assertEquals("text/xml", login.headers().firstValue("Content-Type").orElse(""));
        String session = login.body().replaceAll(".*(OpaqueRef:[0-9a-f-]{36}).*", "$1");

        // Alternative <class>_<msg> name; ints travel untyped.
        HttpResponse<String> major = post(HOST_A, "/", call("host_get_API_version_major", session, pool.hostRef(HOST_A)));
        assertEquals(HEAD + "<member><name>Status</name><value>Success</value></member>"
                + "<member><name>Value</name><value>2</value></member>" + TAIL, major.body());
        assertEquals(failure("MESSAGE_METHOD_UNKNOWN", "VM.frobnicate"), post(HOST_A, "/", call("VM.frobnicate", session)).body());
        assertEquals(failure("HANDLE_INVALID", "VM", "OpaqueRef:nope"), post(HOST_A, "/", call("VM.get_record", session, "OpaqueRef:nope")).body());
        assertEquals(failure("UUID_INVALID", "host", "nope"), post(HOST_A, "/", call("host.get_by_uuid", session, "nope")).body());
        assertEquals(failure("HOST_IS_SLAVE", ADDR_A), post(HOST_B, "/", call("pool.get_all", session)).body());

        HttpResponse<String> malformed = post(HOST_A, "/", "<methodCall><methodName>pool.get_all</methodName><params>");
        assertEquals(500, malformed.statusCode());
        assertTrue(malformed.body().startsWith("Xmlrpc.Parse_error("), malformed.body());
        assertFalse(malformed.body().contains("<fault>"));

        HttpResponse<String> doctype = post(HOST_A, "/", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<methodCall><methodName>&e;</methodName></methodCall>");
        assertEquals(500, doctype.statusCode());

        assertEquals(404, post(HOST_A, "/jsonrpc-nope", call("pool.get_all", session)).statusCode());
    }
}
