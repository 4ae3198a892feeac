namespace ActorConnect.Runtime.Tests;

/// <summary>Kafka Connect's own sample .properties files, kept verbatim so the parser is tested on what users really have.</summary>
internal static class KafkaSampleFiles
{
    /// <summary>connect-standalone.properties as shipped with Kafka 0.9.0.1 (the broker scripts/kafka-local.sh runs), byte for byte.</summary>
    public const string ConnectStandalone = """
        # Licensed to the Apache Software Foundation (ASF) under one or more
        # contributor license agreements.  See the NOTICE file distributed with
        # this work for additional information regarding copyright ownership.
        # The ASF licenses this file to You under the Apache License, Version 2.0
        # (the "License"); you may not use this file except in compliance with
        # the License.  You may obtain a copy of the License at
        #
        #    http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        # These are defaults. This file just demonstrates how to override some settings.
        bootstrap.servers=localhost:9092

        # The converters specify the format of data in Kafka and how to translate it into Connect data. Every Connect user will
        # need to configure these based on the format they want their data in when loaded from or stored into Kafka
        key.converter=org.apache.kafka.connect.json.JsonConverter
        value.converter=org.apache.kafka.connect.json.JsonConverter
        # Converter-specific settings can be passed in by prefixing the Converter's setting with the converter we want to apply
        # it to
        key.converter.schemas.enable=true
        value.converter.schemas.enable=true

        # The internal converter used for offsets and config data is configurable and must be specified, but most users will
        # always want to use the built-in default. Offset and config data is never visible outside of Copcyat in this format.
        internal.key.converter=org.apache.kafka.connect.json.JsonConverter
        internal.value.converter=org.apache.kafka.connect.json.JsonConverter
        internal.key.converter.schemas.enable=false
        internal.value.converter.schemas.enable=false

        offset.storage.file.filename=/tmp/connect.offsets
        # Flush much faster than normal, which is useful for testing/debugging
        offset.flush.interval.ms=10000
        """ + "\n";

    /// <summary>connect-distributed.properties as shipped with Kafka 0.9.0.1 (the broker scripts/kafka-local.sh runs), byte for byte.</summary>
    public const string ConnectDistributed = """
        ##
        # Licensed to the Apache Software Foundation (ASF) under one or more
        # contributor license agreements.  See the NOTICE file distributed with
        # this work for additional information regarding copyright ownership.
        # The ASF licenses this file to You under the Apache License, Version 2.0
        # (the "License"); you may not use this file except in compliance with
        # the License.  You may obtain a copy of the License at
        #
        #    http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.
        ##

        # These are defaults. This file just demonstrates how to override some settings.
        bootstrap.servers=localhost:9092

        group.id=connect-cluster

        # The converters specify the format of data in Kafka and how to translate it into Connect data. Every Connect user will
        # need to configure these based on the format they want their data in when loaded from or stored into Kafka
        key.converter=org.apache.kafka.connect.json.JsonConverter
        value.converter=org.apache.kafka.connect.json.JsonConverter
        # Converter-specific settings can be passed in by prefixing the Converter's setting with the converter we want to apply
        # it to
        key.converter.schemas.enable=true
        value.converter.schemas.enable=true

        # The internal converter used for offsets and config data is configurable and must be specified, but most users will
        # always want to use the built-in default. Offset and config data is never visible outside of Copcyat in this format.
        internal.key.converter=org.apache.kafka.connect.json.JsonConverter
        internal.value.converter=org.apache.kafka.connect.json.JsonConverter
        internal.key.converter.schemas.enable=false
        internal.value.converter.schemas.enable=false

        offset.storage.topic=connect-offsets
        # Flush much faster than normal, which is useful for testing/debugging
        offset.flush.interval.ms=10000
        config.storage.topic=connect-configs
        """;

    /// <summary>connect-file-source.properties as shipped with Kafka 0.9.0.1 (the broker scripts/kafka-local.sh runs), byte for byte.</summary>
    public const string ConnectFileSource = """
        # Licensed to the Apache Software Foundation (ASF) under one or more
        # contributor license agreements.  See the NOTICE file distributed with
        # this work for additional information regarding copyright ownership.
        # The ASF licenses this file to You under the Apache License, Version 2.0
        # (the "License"); you may not use this file except in compliance with
        # the License.  You may obtain a copy of the License at
        #
        #    http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        name=local-file-source
        connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector
        tasks.max=1
        file=test.txt
        topic=connect-test
        """;

    /// <summary>connect-file-sink.properties as shipped with Kafka 0.9.0.1 (the broker scripts/kafka-local.sh runs), byte for byte.</summary>
    public const string ConnectFileSink = """
        # Licensed to the Apache Software Foundation (ASF) under one or more
        # contributor license agreements.  See the NOTICE file distributed with
        # this work for additional information regarding copyright ownership.
        # The ASF licenses this file to You under the Apache License, Version 2.0
        # (the "License"); you may not use this file except in compliance with
        # the License.  You may obtain a copy of the License at
        #
        #    http://www.apache.org/licenses/LICENSE-2.0
        #
        # Unless required by applicable law or agreed to in writing, software
        # distributed under the License is distributed on an "AS IS" BASIS,
        # WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
        # See the License for the specific language governing permissions and
        # limitations under the License.

        name=local-file-sink
        connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector
        tasks.max=1
        file=test.sink.txt
        topics=connect-test
        """;
}
