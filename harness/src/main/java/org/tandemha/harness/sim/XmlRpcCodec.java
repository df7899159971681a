package org.tandemha.harness.sim;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * XML-RPC as xapi speaks it (§1.2, §1.3): strings, refs, enums and ints go out as untyped
 * {@code <value>text</value>}, bools as {@code <boolean>}, floats as {@code <double>}, and every
 * response is a Status/Value or Status/ErrorDescription struct — never a {@code <fault>}, never {@code <nil/>}.
 */
final class XmlRpcCodec {

    /** A decoded methodCall. Ints arrive as Long, strings as String, bools as Boolean. */
    record Call(String methodName, List<Object> params) {
    }

    /** Thrown for anything that is not a well-formed methodCall; becomes HTTP 500. */
    static final class ParseError extends Exception {
        ParseError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final DateTimeFormatter XAPI_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private XmlRpcCodec() {
    }

    static Call parseCall(byte[] body) throws ParseError {
        try {
            return parseDocument(body);
        } catch (RuntimeException | StackOverflowError e) {
            // A hostile or deeply nested document must become HTTP 500, never a dead handler thread.
            throw new ParseError(e instanceof StackOverflowError ? "nesting too deep" : e.toString(), e);
        }
    }

    private static Call parseDocument(byte[] body) throws ParseError {
        Document doc;
        try {
            doc = newBuilder().parse(new ByteArrayInputStream(body));
        } catch (SAXException | IOException e) {
            throw new ParseError(String.valueOf(e.getMessage()), e);
        }
        Element root = doc.getDocumentElement();
        if (!"methodCall".equals(root.getTagName())) {
            throw new ParseError("expected <methodCall>, got <" + root.getTagName() + ">", null);
        }
        Element name = child(root, "methodName");
        if (name == null) throw new ParseError("missing <methodName>", null);
        List<Object> params = new ArrayList<>();
        Element paramsEl = child(root, "params");
        if (paramsEl != null) {
            for (Element param : children(paramsEl)) {
                if (!"param".equals(param.getTagName())) throw new ParseError("unexpected <" + param.getTagName() + "> in <params>", null);
                Element value = child(param, "value");
                if (value == null) throw new ParseError("<param> without <value>", null);
                params.add(parseValue(value));
            }
        }
        return new Call(name.getTextContent().trim(), params);
    }

    private static DocumentBuilder newBuilder() throws ParseError {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // Requests come from the network: no DTDs, no external entities, no XInclude.
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            // The default handler prints to stderr before throwing; we only want the exception.
            b.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("JDK XML parser lacks a required feature", e);
        }
    }

    private static Object parseValue(Element value) throws ParseError {
        List<Element> typed = children(value);
        if (typed.isEmpty()) return value.getTextContent();
        if (typed.size() > 1) throw new ParseError("<value> with several children", null);
        Element t = typed.get(0);
        String text = t.getTextContent();
        try {
            switch (t.getTagName()) {
                case "string":
                    return text;
                case "int":
                case "i4":
                case "i8":
                    return Long.parseLong(text.trim());
                case "boolean":
                    String b = text.trim();
                    if (b.equals("1") || b.equalsIgnoreCase("true")) return Boolean.TRUE;
                    if (b.equals("0") || b.equalsIgnoreCase("false")) return Boolean.FALSE;
                    throw new ParseError("bad boolean '" + b + "'", null);
                case "double":
                    return Double.parseDouble(text.trim());
                case "dateTime.iso8601":
                    return text.trim();
                case "array": {
                    Element data = child(t, "data");
                    List<Object> items = new ArrayList<>();
                    if (data != null) {
                        for (Element v : children(data)) items.add(parseValue(v));
                    }
                    return items;
                }
                case "struct": {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (Element member : children(t)) {
                        Element n = child(member, "name");
                        Element v = child(member, "value");
                        if (n == null || v == null) throw new ParseError("<member> needs <name> and <value>", null);
                        map.put(n.getTextContent(), parseValue(v));
                    }
                    return map;
                }
                default:
                    throw new ParseError("unsupported value type <" + t.getTagName() + ">", null);
            }
        } catch (NumberFormatException e) {
            throw new ParseError("bad number in <" + t.getTagName() + ">: " + text, e);
        }
    }

    private static Element child(Element parent, String tag) {
        for (Element e : children(parent)) {
            if (e.getTagName().equals(tag)) return e;
        }
        return null;
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) out.add(e);
        }
        return out;
    }

    static String success(Object value) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>")
                .append("<member><name>Status</name><value>Success</value></member>")
                .append("<member><name>Value</name>");
        appendValue(sb, value);
        sb.append("</member></struct></value></param></params></methodResponse>");
        return sb.toString();
    }

    static String failure(List<String> errorDescription) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>")
                .append("<member><name>Status</name><value>Failure</value></member>")
                .append("<member><name>ErrorDescription</name>");
        appendValue(sb, errorDescription);
        sb.append("</member></struct></value></param></params></methodResponse>");
        return sb.toString();
    }

    /** Void and null both encode as the empty string, since xapi has no nil. */
    static void appendValue(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("<value></value>");
        } else if (v instanceof String s) {
            sb.append("<value>").append(escape(s)).append("</value>");
        } else if (v instanceof Integer i) {
            // The only <i4> xapi emits: the int32 counts of event.from's valid_ref_counts (§1.2).
            sb.append("<value><i4>").append(i).append("</i4></value>");
        } else if (v instanceof Long) {
            // int64 is untyped on the wire; the Java SDK casts it to String and would crash on <i4>.
            sb.append("<value>").append(v).append("</value>");
        } else if (v instanceof Boolean b) {
            sb.append("<value><boolean>").append(b ? '1' : '0').append("</boolean></value>");
        } else if (v instanceof Double d) {
            sb.append("<value><double>").append(formatDouble(d)).append("</double></value>");
        } else if (v instanceof Instant t) {
            sb.append("<value><dateTime.iso8601>").append(XAPI_DATE.format(t)).append("</dateTime.iso8601></value>");
        } else if (v instanceof Date d) {
            sb.append("<value><dateTime.iso8601>").append(XAPI_DATE.format(d.toInstant())).append("</dateTime.iso8601></value>");
        } else if (v instanceof Map<?, ?> m) {
            sb.append("<value><struct>");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append("<member><name>").append(escape(String.valueOf(e.getKey()))).append("</name>");
                appendValue(sb, e.getValue());
                sb.append("</member>");
            }
            sb.append("</struct></value>");
        } else if (v instanceof Collection<?> c) {
            sb.append("<value><array><data>");
            for (Object o : c) appendValue(sb, o);
            sb.append("</data></array></value>");
        } else {
            throw new IllegalArgumentException("cannot encode " + v.getClass().getName());
        }
    }

    /** Mimics OCaml's %.16g closely enough: integral values print without a fraction. */
    private static String formatDouble(double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) return Long.toString((long) d);
        return Double.toString(d);
    }

    static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                default -> null;
            };
            if (rep != null) {
                if (sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                sb.append(rep);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
