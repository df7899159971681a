package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.VmId;
import org.tandemha.protocol.VmView;

class VmPolicyTest {
  static final PoolId POOL = new PoolId("pool-1");
  static final HaSettings PER_VM = new HaSettings(false, "ha-lizard-enabled", 3, Duration.ofMillis(500), List.of(), false);
  static final HaSettings GLOBAL = new HaSettings(true, "ha-lizard-enabled", 3, Duration.ofMillis(500), List.of(), false);
  static final String FIELD = "XenCenter.CustomFields.ha-lizard-enabled";

  static VmView vm(String power, String field, String homePool, boolean dom0, boolean template) {
    Map<String, String> oc = new HashMap<>();
    if (field != null) oc.put(FIELD, field);
    if (homePool != null) oc.put(VmPolicy.HOME_POOL, homePool);
    return new VmView(new VmId("vm"), "vm", power, Optional.empty(), dom0, template, false, 0, oc);
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                                  settings power      field    home     dom0  tmpl  restart
        Arguments.of("HA-enabled, halted, ran under HA",                  PER_VM, vm("Halted", "true", "pool-1", false, false), true),
        Arguments.of("HA-enabled but never ran under HA",                 PER_VM, vm("Halted", "true", null, false, false), false),
        Arguments.of("HA-enabled, ran under another pool's HA",           PER_VM, vm("Halted", "true", "pool-2", false, false), false),
        Arguments.of("HA-disabled",                                       PER_VM, vm("Halted", "false", "pool-1", false, false), false),
        Arguments.of("field unset",                                       PER_VM, vm("Halted", null, "pool-1", false, false), false),
        Arguments.of("invalid field value is never acted on",             PER_VM, vm("Halted", "yes", "pool-1", false, false), false),
        Arguments.of("running VM is not restarted",                       PER_VM, vm("Running", "true", "pool-1", false, false), false),
        Arguments.of("GLOBAL_VM_HA=1 manages a VM without the field",     GLOBAL, vm("Halted", null, "pool-1", false, false), true),
        Arguments.of("templates are never managed",                       GLOBAL, vm("Halted", "true", "pool-1", false, true), false),
        Arguments.of("control domains are never managed",                 GLOBAL, vm("Halted", "true", "pool-1", true, false), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesRestart(String name, HaSettings s, VmView vm, boolean restart) {
    VmPolicy.Verdict v = VmPolicy.toRestart(s, POOL, vm);
    assertEquals(restart, v.act(), v.reason());
  }

  static Stream<Arguments> tagCases() {
    return Stream.of(
        Arguments.of("running HA VM without token gets it", vm("Running", "true", null, false, false), true),
        Arguments.of("running HA VM with token",            vm("Running", "true", "pool-1", false, false), false),
        Arguments.of("running non-HA VM",                   vm("Running", "false", null, false, false), false),
        Arguments.of("halted HA VM never gets it here",     vm("Halted", "true", null, false, false), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tagCases")
  void tagsHomePool(String name, VmView vm, boolean tag) {
    assertEquals(tag, VmPolicy.needsHomePoolTag(PER_VM, POOL, vm));
  }
}
