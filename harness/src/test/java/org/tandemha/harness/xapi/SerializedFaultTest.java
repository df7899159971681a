package org.tandemha.harness.xapi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandemha.actors.port.XapiUnreachable;
import org.tandemha.controller.xapi.XapiConnections;

/**
 * CVE-2019-17570: Apache XML-RPC 3.1.3, under the xen-api SDK, deserializes a Java object a server puts in
 * a fault's {@code faultCause}. A hostile or impersonated "xapi" could run code in the node that way. The
 * stock SDK connection is shown to fall for it; Tandem's connections refuse the reply unread.
 */
class SerializedFaultTest {
  /** Records that it was deserialized, which is all an attacker's gadget needs. */
  static final class Tripwire implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean TRIPPED = new AtomicBoolean();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      TRIPPED.set(true);
    }
  }

  static HttpServer hostile;

  @BeforeAll static void start() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Tripwire());
    }
    String reply = "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
        + "<member><name>faultCode</name><value><int>1</int></value></member>"
        + "<member><name>faultString</name><value>gotcha</value></member>"
        + "<member><name>faultCause</name><value><base64>"
        + Base64.getEncoder().encodeToString(bytes.toByteArray())
        + "</base64></value></member></struct></value></fault></methodResponse>";
    hostile = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.66"), 0), 8);
    hostile.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = reply.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    hostile.start();
  }

  @AfterAll static void stop() { hostile.stop(0); }

  @BeforeEach void reset() { Tripwire.TRIPPED.set(false); }

  @Test
  void stockSdkConnectionDeserializesTheFaultCause() throws Exception {
    Connection stock = new Connection(new URL("http", "127.0.0.66", hostile.getAddress().getPort(), "/"), 5, 5);
    assertThrows(Exception.class, () -> Session.loginWithPassword(stock, "root", "x"));
    assertTrue(Tripwire.TRIPPED.get(), "the test's payload must be live, or the next test proves nothing");
  }

  @Test
  void tandemConnectionRefusesTheReplyWithoutDeserializing() {
    Connection guarded = new XapiConnections("http", hostile.getAddress().getPort(),
        XapiConnections.Security.loopbackOnly()).open("127.0.0.66", Duration.ofSeconds(5), Duration.ofSeconds(5));
    Exception e = assertThrows(Exception.class, () -> Session.loginWithPassword(guarded, "root", "x"));
    assertFalse(Tripwire.TRIPPED.get(), "a serialized object from the server was deserialized");
    assertTrue(String.valueOf(e.getMessage()).contains("CVE-2019-17570"), e.toString());
  }

  @Test
  void adapterReportsItAsUnreachableNotAsAnApiError() {
    var adapter = new org.tandemha.controller.xapi.SdkXapiAdapter(new org.tandemha.controller.xapi.SdkXapiAdapter.Endpoint(
        "http", hostile.getAddress().getPort(), "127.0.0.66", "root", "x", Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofSeconds(1), XapiConnections.Security.loopbackOnly()), org.tandemha.actors.port.Clock.system());
    assertThrows(XapiUnreachable.class, adapter::readPool);
    assertFalse(Tripwire.TRIPPED.get());
  }
}
