package org.tandemha.harness.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimFixtures.HOST_A;
import static org.tandemha.harness.sim.SimFixtures.VM_HALTED;

/** What xapi accepts on input (xapi-subset.md §1.2) in the forms real clients send (realpeers.md §6). */
class XmlRpcInputTest {
    private static final String ADDR_A = "127.0.0.35";
    private static final String ADDR_B = "127.0.0.36";

    private SimPool pool;
    private XapiSimServer server;
    private URI master;

    @BeforeEach
    void start() throws Exception {
        pool = new SimPool(Wire.spec(ADDR_A, ADDR_B));
        server = new XapiSimServer(pool, 0);
        master = server.endpoint(HOST_A);
    }

    @AfterEach
    void stop() {
        server.close();
        pool.close();
    }

    private static XmlRpcCodec.Call parse(String xml) throws Exception {
        return XmlRpcCodec.parseCall(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("§1.2 input: typed and untyped values decode to the Java types XapiCalls reads")
    void decodesEveryValueType() throws Exception {
        XmlRpcCodec.Call c = parse("<?xml version=\"1.0\"?><methodCall><methodName> m </methodName><params>"
                + "<param><value>plain</value></param>"
                + "<param><value><string>typed</string></value></param>"
                + "<param><value><string/></value></param>"
                + "<param><value></value></param>"
                + "<param><value><int>42</int></value></param>"
                + "<param><value><i4>-7</i4></value></param>"
                + "<param><value><i8>8589934592</i8></value></param>"
                + "<param><value><boolean>1</boolean></value></param>"
                + "<param><value><boolean>0</boolean></value></param>"
                + "<param><value><double>1.5</double></value></param>"
                + "<param><value><dateTime.iso8601>20240131T17:05:09Z</dateTime.iso8601></value></param>"
                + "<param><value><array><data><value>a</value><value><i4>1</i4></value></data></array></value></param>"
                + "<param><value><array><data/></array></value></param>"
                + "<param><value><struct><member><name>k</name><value>v</value></member>"
                + "<member><name>n</name><value><int>3</int></value></member></struct></value></param>"
                + "<param><value>a &amp; b &lt;c&gt;</value></param>"
                + "</params></methodCall>");
        assertEquals("m", c.methodName());
        assertEquals(List.of("plain", "typed", "", "", 42L, -7L, 8589934592L, true, false, 1.5,
                "20240131T17:05:09Z", List.of("a", 1L), List.of(), Map.of("k", "v", "n", 3L), "a & b <c>"), c.params());
    }

    @Test
    @DisplayName("realpeers.md §6: <params />, <params></params> and no <params> all mean no parameters")
    void emptyParamsForms() throws Exception {
        for (String params : List.of("<params />", "<params/>", "<params></params>", "<params>\n </params>", "")) {
            String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodCall><methodName>system.methodHelp</methodName>"
                    + params + "</methodCall>";
            assertEquals(List.of(), parse(body).params(), params);
            Wire.Reply r = Wire.post(master.resolve("/xmlrpc"), "text/xml", body);
            assertEquals(200, r.status(), params);
            // no parameters reached dispatch: an unknown method without a session is refused by name (§1.4)
            assertEquals(List.of("MESSAGE_METHOD_UNKNOWN", "system.methodHelp"), Wire.decodeXml(r.body()).failure(), params);
        }
    }

    @Test
    @DisplayName("§1.1: XML-RPC answers on /, /RPC2 (fence_xenapi, typed <string>) and /xmlrpc (npm xen-api)")
    void everyXmlPathAndTypedStrings() throws Exception {
        for (String path : List.of("/", "/RPC2", "/xmlrpc")) {
            Wire.Reply login = Wire.post(master.resolve(path), "text/xml",
                    "<?xml version='1.0'?>\n<methodCall>\n<methodName>session.login_with_password</methodName>\n<params>\n"
                            + "<param>\n<value><string>root</string></value>\n</param>\n"
                            + "<param>\n<value><string>secret</string></value>\n</param>\n</params>\n</methodCall>\n");
            assertEquals(200, login.status(), path);
            assertEquals("text/xml", login.contentType(), path);
            String s = (String) Wire.decodeXml(login.body()).value();
            assertTrue(s.startsWith("OpaqueRef:"), path);
            Wire.Reply byName = Wire.post(master.resolve(path), "text/xml",
                    "<methodCall><methodName>VM.get_uuid</methodName><params><param><value><string>" + s
                            + "</string></value></param><param><value><string>" + pool.vmRef(VM_HALTED)
                            + "</string></value></param></params></methodCall>");
            assertEquals(VM_HALTED, Wire.decodeXml(byName.body()).value(), path);
        }
    }

    @Test
    @DisplayName("§1.2 input: typed <boolean> and <i4>/<int> parameters work where xapi takes bool or int")
    void typedParametersReachTheCall() throws Exception {
        String s = Wire.login(master, Wire.Protocol.XML);
        Wire.Reply r = Wire.post(master, "text/xml", "<methodCall><methodName>VM.start</methodName><params>"
                + "<param><value>" + s + "</value></param>"
                + "<param><value>" + pool.vmRef(VM_HALTED) + "</value></param>"
                + "<param><value><boolean>0</boolean></value></param>"
                + "<param><value><boolean>1</boolean></value></param></params></methodCall>");
        assertTrue(Wire.decodeXml(r.body()).ok(), r.body());
        assertEquals("Running", pool.vmPowerState(VM_HALTED));
    }

    @Test
    @DisplayName("§1.1: OPTIONS on every RPC path is a CORS preflight")
    void corsPreflight() throws Exception {
        for (String path : List.of("/", "/RPC2", "/xmlrpc", "/jsonrpc")) {
            Wire.Reply r = Wire.options(master.resolve(path));
            assertEquals(200, r.status(), path);
            assertEquals("*|POST, OPTIONS|Content-Type", r.contentType(), path);
        }
        Wire.Reply ok = Wire.post(master, "text/xml", Wire.xmlCall("system.listMethods"));
        assertEquals(200, ok.status());
    }
}
