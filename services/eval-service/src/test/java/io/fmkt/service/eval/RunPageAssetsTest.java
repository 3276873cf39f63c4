package io.fmkt.service.eval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The run page needs no outside network: the page and everything it loads come from this service, open
 * like the read API, and its sources name no other host. (In a real browser, every request it makes is
 * checked by fmkt-cli's EndToEndTest.)
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class RunPageAssetsTest {
    static final Map<String, String> ASSETS = Map.of("index.html", "text/html", "page.js", "javascript",
            "page.css", "text/css", "favicon.svg", "image/svg+xml");
    /** An XML namespace name in page.js and favicon.svg: an identifier that is never fetched. */
    static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    static String source(String name) throws IOException {
        try (InputStream in = RunPageAssetsTest.class.getResourceAsStream("/META-INF/resources/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePageAndEveryAssetItNamesAreServedHereWithoutCredentials() {
        String html = given().get("/").then().statusCode(200).contentType(containsString("text/html")).extract()
                .asString();
        List<String> refs = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (m.find()) {
            refs.add(m.group(1));
        }
        assertThat(refs).containsExactlyInAnyOrder("favicon.svg", "page.css", "#/", "page.js");
        for (String ref : refs) {
            if (!ref.startsWith("#")) {
                given().get("/" + ref).then().statusCode(200)
                        .contentType(containsString(ASSETS.get(ref)));
            }
        }
    }

    @Test
    void noSourceNamesAnotherHostOrLoadsAnythingByItself() throws IOException {
        Pattern absolute = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}|\\burl\\(|@import|\\bimport\\(");
        for (String name : ASSETS.keySet()) {
            String text = source(name).replace(SVG_NAMESPACE, "");
            // comments may say "https://" in prose; none here does, so every match is a finding
            assertThat(absolute.matcher(text).results().map(java.util.regex.MatchResult::group).toList()).as(name).isEmpty();
        }
    }

    /** Run ids, configs and reasons are the run's data: the page puts them into text nodes only. */
    @Test
    void thePageNeverRendersDataAsHtml() throws IOException {
        String js = source("page.js");
        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function")) {
            assertThat(js).as(sink).doesNotContain(sink);
        }
        assertThat(js).contains("textContent").contains("createTextNode");
    }
}
