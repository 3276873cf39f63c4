package io.fmkt.service.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.s3.S3StoreConfig;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    private static final S3Settings SETTINGS = new S3Settings() {
        @Override
        public String endpoint() {
            return "http://127.0.0.1:9000";
        }

        @Override
        public String accessKey() {
            return "fmkt";
        }

        @Override
        public String secretKey() {
            return "do-not-print-me";
        }

        @Override
        public String bucket() {
            return "fmkt";
        }

        @Override
        public String region() {
            return "us-east-1";
        }

        @Override
        public long maxObjectBytes() {
            return 268435456L;
        }
    };

    @Test
    void describeNamesTheStoreButMasksTheSecret() {
        assertThat(SETTINGS.describe()).contains("http://127.0.0.1:9000", "accessKey=fmkt", "bucket=fmkt")
                .doesNotContain("do-not-print-me");
    }

    @Test
    void storeConfigCarriesEverySetting() {
        S3StoreConfig c = SETTINGS.toStoreConfig();
        assertThat(c.secretKey()).isEqualTo("do-not-print-me");
        assertThat(c.maxObjectBytes()).isEqualTo(S3StoreConfig.DEFAULT_MAX_OBJECT_BYTES);
        assertThat(c.region()).isEqualTo(S3StoreConfig.DEFAULT_REGION);
    }
}
