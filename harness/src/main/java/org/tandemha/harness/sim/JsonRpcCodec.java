package org.tandemha.harness.sim;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-RPC v1 and v2 as xapi speaks it on {@code /jsonrpc} (xapi-subset.md §1.6). Requests decode to
 * the same Java values {@link XmlRpcCodec} yields (Long, Double, Boolean, String, List, Map), so
 * {@link XapiCalls} serves both protocols from one method table and one session table.
 */
final class JsonRpcCodec {

    enum Version { V1, V2 }

    /** A decoded request; {@code id} is the Long or String the client sent, echoed back verbatim. */
    record Request(Version version, Object id, String method, List<Object> params) {
    }

    /** Anything that is not a well-formed request; xapi answers it with HTTP 500 (§1.1). */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    private static final DateTimeFormatter XAPI_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private JsonRpcCodec() {
    }

    /** ocaml-rpc {@code version_id_and_call_of_string}: id, method and an array of params are all required. */
    static Request parseRequest(byte[] body) throws Malformed {
        Object root;
        try {
            root = JsonText.parse(strictUtf8(body));
        } catch (IllegalArgumentException | StackOverflowError e) {
            // StackOverflowError: a hostile, deeply nested document must not take the endpoint down.
            throw new Malformed(e instanceof StackOverflowError ? "nesting too deep" : e.getMessage());
        }
        if (!(root instanceof Map<?, ?> call)) throw new Malformed("request is not a JSON object");
        Version version;
        Object tag = call.get("jsonrpc");
        if (tag == null && !call.containsKey("jsonrpc")) {
            version = Version.V1;
        } else if ("2.0".equals(tag)) {
            version = Version.V2;
        } else if ("1.0".equals(tag)) {
            version = Version.V1;
        } else {
            throw new Malformed("unsupported jsonrpc version " + tag);
        }
        Object id = call.get("id");
        if (id == null) throw new Malformed("missing or null id");
        if (!(id instanceof Long) && !(id instanceof String)) throw new Malformed("id must be an int or a string");
        if (!(call.get("method") instanceof String method)) throw new Malformed("missing method");
        if (!(call.get("params") instanceof List<?> raw)) throw new Malformed("params must be an array");
        List<Object> params = new ArrayList<>(raw.size());
        for (Object p : raw) params.add(normalize(p));
        return new Request(version, id, method, params);
    }

    private static String strictUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("JSON: body is not UTF-8");
        }
    }

    /**
     * JSON already gives what the XML-RPC codec gives for typed values: integers as Long, floats as
     * Double. Only null needs mapping: xapi has no nil, and the Java SDK sends null as "" too.
     */
    private static Object normalize(Object v) {
        if (v == null) return "";
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(normalize(o));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
            return out;
        }
        return v;
    }

    static String encode(Request request, XapiCalls.Outcome outcome) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('{');
        if (request.version() == Version.V2) {
            sb.append("\"jsonrpc\":\"2.0\",");
            if (outcome.ok()) {
                sb.append("\"result\":");
                appendValue(sb, outcome.value());
            } else {
                // api_server_common.ml error_code_lit = 1; message is the error code, data its params.
                List<String> ed = outcome.failure();
                sb.append("\"error\":{\"code\":1,\"message\":");
                appendValue(sb, ed.isEmpty() ? "" : ed.get(0));
                sb.append(",\"data\":");
                appendValue(sb, ed.isEmpty() ? List.of() : ed.subList(1, ed.size()));
                sb.append('}');
            }
        } else if (outcome.ok()) {
            sb.append("\"result\":");
            appendValue(sb, outcome.value());
            sb.append(",\"error\":null");
        } else {
            sb.append("\"result\":null,\"error\":");
            appendValue(sb, outcome.failure());
        }
        sb.append(",\"id\":");
        appendValue(sb, request.id());
        return sb.append('}').toString();
    }

    /** Void and null both encode as "" (§1.6: void is ""), like the XML-RPC side's empty value. */
    static void appendValue(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("\"\"");
        } else if (v instanceof String s) {
            appendString(sb, s);
        } else if (v instanceof Long || v instanceof Integer) {
            // int64 is a bare JSON integer here, unlike XML-RPC where it travels as an untyped string.
            sb.append(v);
        } else if (v instanceof Double d) {
            sb.append(formatDouble(d));
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Instant t) {
            appendString(sb, XAPI_DATE.format(t));
        } else if (v instanceof Date d) {
            appendString(sb, XAPI_DATE.format(d.toInstant()));
        } else if (v instanceof Enum<?> e) {
            appendString(sb, e.toString());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                appendString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                appendValue(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) sb.append(',');
                first = false;
                appendValue(sb, o);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot encode " + v.getClass().getName());
        }
    }

    /** Integral values print without a fraction, like OCaml's %.16g; JSON has no NaN or infinity. */
    private static String formatDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "0";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return Long.toString((long) d);
        return Double.toString(d);
    }

    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
