package org.tandemha.controller.storage;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.tandemha.controller.admin.AdminCall;
import org.tandemha.protocol.Admin;

/**
 * {@code tandem storage …} (issue #8 items 5 and 6), through the node's admin socket: {@code status [--json]},
 * {@code manual-mode enable|disable}, {@code become-primary}, {@code become-secondary}. Exit 0 done, 1 refused or
 * failed (the reason printed), 2 bad usage, 3 the node is not reachable.
 */
public final class StorageCommand {
  private StorageCommand() {}

  public static final String USAGE = """
      usage: tandem storage status [--json]
             tandem storage manual-mode enable|disable
             tandem storage become-primary | become-secondary
             tandem storage split-brain resolve --survivor HOST-UUID
             (each also takes --config FILE and --socket PATH)
        status            this host's DRBD resources, iSCSI target and floating IP: actual against expected
        manual-mode       enable: the storage role stops following the pool; disable: only when the roles match
                          the pool again (Primary on the master, Secondary on a slave)
        become-primary    in manual mode: refused while the peer reads Primary or the floating IP answers elsewhere
        become-secondary  in manual mode
        split-brain resolve  after a recorded DRBD split brain, on both hosts: the survivor keeps its data and
                          reconnects; the victim (demoted first) discards its changes since the split""";

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    AdminCall.Parsed parsed = AdminCall.parseOrAnswer("storage", args, Set.of("survivor"), Set.of(), true, USAGE,
        out, err);
    if (parsed.answered()) return parsed.exit();
    AdminCall.Line line = parsed.line();
    Admin.Request request;
    String verb = String.join(" ", line.words());
    switch (verb) {
      case "status" -> request = new Admin.StorageStatus();
      case "manual-mode enable" -> request = new Admin.StorageManual("enable");
      case "manual-mode disable" -> request = new Admin.StorageManual("disable");
      case "become-primary" -> request = new Admin.StorageManual("become-primary");
      case "become-secondary" -> request = new Admin.StorageManual("become-secondary");
      case "split-brain resolve" -> {
        if (line.value("survivor").isEmpty()) {
          err.println("tandem storage split-brain resolve: --survivor HOST-UUID is required (the host whose data is kept)");
          return AdminCall.USAGE;
        }
        request = new Admin.StorageSplitBrainResolve(line.value("survivor").get());
      }
      default -> {
        err.println(verb.isEmpty() ? "tandem storage: missing command" : "tandem storage: unknown command \"" + verb + "\"");
        err.println(USAGE);
        return AdminCall.USAGE;
      }
    }
    if (line.json() && !(request instanceof Admin.StorageStatus)) {
      err.println("tandem storage: --json goes with status only");
      return AdminCall.USAGE;
    }
    return AdminCall.send("storage", line, request, Duration.ofSeconds(20), out, err,
        "see `tandem events --type StorageManualMode,StorageStep`");
  }
}
