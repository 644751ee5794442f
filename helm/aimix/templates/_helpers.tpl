{{/* Labels every object of the release carries (Kubernetes' recommended labels). */}}
{{- define "aimix.labels" -}}
app.kubernetes.io/name: aimix
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* A FlinkDeployment for one job. Arguments: root (the chart's context), name, job (its values), entryClass. */}}
{{- define "aimix.flinkDeployment" -}}
{{- $root := .root -}}
{{- $job := .job -}}
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: {{ printf "%s-%s" $root.Release.Name .name }}
  labels:
    {{- include "aimix.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .name }}
spec:
  image: {{ if and $job.gpu $job.gpu.enabled $job.gpu.image }}{{ $job.gpu.image }}{{ else }}{{ printf "%s:%s" $root.Values.image.repository $root.Values.image.tag }}{{ end }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  flinkVersion: {{ $root.Values.flinkVersion }}
  serviceAccount: {{ $root.Values.serviceAccount }}
  flinkConfiguration:
    {{- range $k, $v := $root.Values.flinkConfiguration }}
    {{ $k }}: {{ $v | quote }}
    {{- end }}
    {{- range $k, $v := $job.flinkConfiguration }}
    {{ $k }}: {{ $v | quote }}
    {{- end }}
    execution.checkpointing.dir: {{ printf "%s/%s" $root.Values.storage.checkpoints .name | quote }}
    execution.checkpointing.savepoint-dir: {{ printf "%s/%s" $root.Values.storage.savepoints .name | quote }}
    aimix.kafka.bootstrap-servers: {{ $root.Values.kafka.bootstrapServers | quote }}
    aimix.model-store.path: {{ $root.Values.storage.modelStore | quote }}
    {{- if $job.secretKeysSecret }}
    aimix.tournament.secret-keys-file: "/etc/aimix/tournament/keys"
    {{- end }}
    {{- if $job.autoscaler.enabled }}
    job.autoscaler.enabled: "true"
    job.autoscaler.scaling.enabled: "true"
    job.autoscaler.target.utilization: {{ $job.autoscaler.targetUtilization | quote }}
    job.autoscaler.target.utilization.boundary: {{ $job.autoscaler.targetUtilizationBoundary | quote }}
    job.autoscaler.metrics.window: {{ $job.autoscaler.metricsWindow | quote }}
    job.autoscaler.stabilization.interval: {{ $job.autoscaler.stabilizationInterval | quote }}
    job.autoscaler.catch-up.duration: {{ $job.autoscaler.catchUpDuration | quote }}
    job.autoscaler.restart.time: {{ $job.autoscaler.restartTime | quote }}
    job.autoscaler.vertex.max-parallelism: {{ $job.autoscaler.maxParallelism | quote }}
    pipeline.max-parallelism: {{ $job.autoscaler.maxParallelism | quote }}
    {{- end }}
  # JSON lines on the console, each line about a mix with its mixId (files/log4j-console.properties)
  logConfiguration:
    log4j-console.properties: |-
      {{- $root.Files.Get "files/log4j-console.properties" | nindent 6 }}
  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          volumeMounts:
            - name: kafka-client
              mountPath: /etc/aimix/kafka
              readOnly: true
            {{- if $job.secretKeysSecret }}
            - name: tournament-keys
              mountPath: /etc/aimix/tournament
              readOnly: true
            {{- end }}
      volumes:
        - name: kafka-client
          secret:
            secretName: {{ $root.Values.kafka.clientConfigSecret }}
        {{- if $job.secretKeysSecret }}
        - name: tournament-keys
          secret:
            secretName: {{ $job.secretKeysSecret }}
        {{- end }}
  jobManager:
    replicas: {{ $job.jobManager.replicas }}
    resource:
      cpu: {{ $job.jobManager.cpu }}
      memory: {{ $job.jobManager.memory | quote }}
  taskManager:
    resource:
      cpu: {{ $job.taskManager.cpu }}
      memory: {{ $job.taskManager.memory | quote }}
    {{- if and $job.gpu $job.gpu.enabled }}
    podTemplate:
      spec:
        containers:
          - name: flink-main-container
            resources:
              limits:
                nvidia.com/gpu: {{ $job.gpu.count }}
    {{- end }}
  job:
    jarURI: {{ $root.Values.jarURI }}
    entryClass: {{ .entryClass }}
    parallelism: {{ $job.parallelism }}
    upgradeMode: savepoint
    state: running
{{- end -}}
