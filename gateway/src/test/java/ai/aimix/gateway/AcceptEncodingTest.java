package ai.aimix.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {

    /** gzip is taken when named with a weight above 0, or, not named, through {@code *} with one (RFC 9110 12.5.3). */
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "gzip|true",
                "gzip, deflate, br|true",
                "br;q=1.0, GZIP;q=0.5|true",
                "gzip;q=0|false",
                "gzip;q=0.000|false",
                "gzip;q=0, *|false",
                "*|true",
                "*;q=0|false",
                "deflate, br|false",
                "identity|false",
                "gzip;q=x|false",
                "''|false"
            })
    void gzipIsTakenWhenTheHeaderSaysSo(String header, boolean taken) {
        assertEquals(taken, Gateway.acceptsGzip(header));
    }
}
