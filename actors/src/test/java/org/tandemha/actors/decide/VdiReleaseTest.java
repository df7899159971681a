package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.port.XapiPort.VdiAttachment;
import org.tandemha.protocol.HostId;

/** Issue #5 item 4: which VDI attachments a VDI-in-use start failure may clear, and whether to retry. */
class VdiReleaseTest {
  static final HostId A = new HostId("aaaaaaaa-0000-4000-8000-00000000000a");
  static final HostId B = new HostId("bbbbbbbb-0000-4000-8000-00000000000b");
  static final HostId C = new HostId("cccccccc-0000-4000-8000-00000000000c");

  static VdiAttachment on(String vdi, HostId h) {
    return new VdiAttachment(vdi, "host_OpaqueRef:" + (h == null ? "gone" : h.uuid()), Optional.ofNullable(h));
  }

  static Stream<Arguments> rows() {
    return Stream.of(//         attachments                       fenced       released  held  retry
        Arguments.of("held by the fenced host: released, retry",
            List.of(on("d1", B)),                                 Set.of(B),   1,        0,    true),
        Arguments.of("held by a host the pool forgot: released",
            List.of(on("d1", null)),                              Set.of(),    1,        0,    true),
        Arguments.of("held by a live unfenced host: left, no retry",
            List.of(on("d1", C)),                                 Set.of(B),   0,        1,    false),
        Arguments.of("mixed: the fenced one released, the live one held, no retry",
            List.of(on("d1", B), on("d2", C)),                    Set.of(B),   1,        1,    false),
        Arguments.of("attached on the target itself: not in the way",
            List.of(on("d1", A)),                                 Set.of(),    0,        0,    true),
        Arguments.of("nothing attached (another cause): HA-Lizard's one retry",
            List.of(),                                            Set.of(),    0,        0,    true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(String name, List<VdiAttachment> attachments, Set<HostId> fenced, int released, int held, boolean retry) {
    VdiRelease.Decision d = VdiRelease.decide(attachments, fenced, A);
    assertEquals(released, d.release().size(), d.reason());
    assertEquals(held, d.held().size(), d.reason());
    assertEquals(retry, d.retry(), d.reason());
  }
}
