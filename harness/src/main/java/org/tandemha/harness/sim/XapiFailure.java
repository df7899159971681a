package org.tandemha.harness.sim;

import java.util.List;

/** An API-level error: travels back as a Failure envelope with ErrorDescription = [code, params...]. */
final class XapiFailure extends RuntimeException {
    private final List<String> description;

    XapiFailure(String code, String... params) {
        super(code, null, false, false);
        this.description = new java.util.ArrayList<>(List.of(params));
        this.description.add(0, code);
    }

    String code() {
        return description.get(0);
    }

    List<String> description() {
        return List.copyOf(description);
    }

    @Override
    public String getMessage() {
        return description.toString();
    }
}
