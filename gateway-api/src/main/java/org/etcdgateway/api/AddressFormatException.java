package org.etcdgateway.api;

/** An address or endpoint that cannot be read, with what was written and what was expected. */
public final class AddressFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String text;
    private final String expected;

    /**
     * @param text     the address as written
     * @param expected what would have been accepted, e.g. {@code host:port with a port}
     */
    public AddressFormatException(String text, String expected) {
        super("\"" + text + "\" (expected: " + expected + ")");
        this.text = text;
        this.expected = expected;
    }

    /** The address as written. */
    public String text() {
        return text;
    }

    /** What would have been accepted. */
    public String expected() {
        return expected;
    }
}
