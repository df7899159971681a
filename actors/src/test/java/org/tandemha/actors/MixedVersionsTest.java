package org.tandemha.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.NodeReport;

/**
 * A rolling upgrade (issue #11 item 5): nodes of two versions in one cluster. Status names both versions; the
 * records they exchange read across versions with Akka's own CBOR mapper (a newer field unknown to an older
 * node is ignored, a field an older node does not send is null).
 */
class MixedVersionsTest {
  static final ActorTestKit testKit = ActorTestKit.create("MixedVersionsTest");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static NodeReport report(String host, String name, String version, String transport) {
    return new NodeReport(host, name, version, "slave", "pool", "m", "true", 2, false, true, false, null, false, "",
        "fence_ipmilan@10.0.0.5", true, "none", null, "none configured", "none", Instant.parse("2026-11-30T12:00:00Z"),
        "", List.of(new NodeReport.HostLine(host, name, "10.0.0.11", true, true, false)), transport);
  }

  static Stream<Arguments> versions() {
    return Stream.of(
        Arguments.of(List.of("0.1.0", "0.1.0"), "0.1.0 on every node that answered"),
        Arguments.of(List.of("0.1.0", "0.2.0"),
            "MIXED: 0.1.0 (xa), 0.2.0 (xb): a rolling upgrade is under way; finish it one host at a time"),
        Arguments.of(List.of("0.2.0"), "0.2.0 on every node that answered"));
  }

  @ParameterizedTest
  @MethodSource("versions")
  void statusNamesEveryVersionWhenTheyDiffer(List<String> versions, String line) {
    List<NodeReport> all = new java.util.ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      all.add(report("h" + i, "x" + (char) ('a' + i), versions.get(i), "mutual TLS"));
    }
    assertEquals(line, NodeStatusScreen.versionsLine(all, Map.of()));
  }

  @Test
  void statusFlagsAnInsecureNodeAndAnOlderOneWithoutTransport() {
    Admin.Reply r = NodeStatusScreen.status(Optional.of(report("h0", "xa", "0.2.0", "INSECURE plain TCP")),
        List.of(report("h1", "xb", "0.1.0", null)), 0, Instant.parse("2026-11-30T12:00:05Z"));
    String text = String.join("\n", r.lines());
    assertTrue(text.lines().skip(1).findFirst().orElse("").startsWith("INSECURE: this node talks to its peers in plain TCP"),
        text);
    assertTrue(text.contains("\nVersions:        MIXED: 0.2.0 (xa), 0.1.0 (xb): a rolling upgrade is under way"), text);
    assertTrue(text.lines().anyMatch(l -> l.contains("h0") && l.endsWith("v0.2.0  INSECURE")), text);
    assertTrue(text.lines().anyMatch(l -> l.contains("h1") && l.endsWith("v0.1.0")), text);
  }

  @Test
  void reportsReadAcrossVersionsWithAkkasCborMapper() throws Exception {
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor",
        Optional.of(new com.fasterxml.jackson.dataformat.cbor.CBORFactory()));
    NodeReport now = report("h0", "xa", "0.2.0", "mutual TLS");
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = new LinkedHashMap<>(cbor.convertValue(now, Map.class));
    // An older node's report: no transport. A newer node's: a field this version does not know.
    fields.remove("transport");
    fields.put("someFieldOfALaterVersion", "x");
    NodeReport read = cbor.readValue(cbor.writeValueAsBytes(fields), NodeReport.class);
    assertNull(read.transport());
    assertEquals("0.2.0", read.version());
    assertEquals(now.hosts(), read.hosts());
  }
}
