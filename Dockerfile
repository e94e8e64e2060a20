# The one binary `peregrine` and the default rules, in a slim Debian 12 image:
#   docker build -t peregrine:latest .
# config/default runs every component from it (agent, operator, audit-webhook).
#
# The eBPF probe is CO-RE: its vmlinux.h comes from the build host's kernel BTF and the probe
# then loads on other BTF-enabled kernels. Without /sys/kernel/btf/vmlinux on the build host,
# put a BTF file in the context and pass --build-arg KERNEL_BTF=/src/<file>.

FROM debian:12 AS build
ARG KERNEL_BTF=/sys/kernel/btf/vmlinux
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY scripts/packages/ scripts/packages/
# The build needs the packages of every area's list (scripts/setup.sh installs the same union)
# except the kernel module's: DKMS and kernel headers serve only the kmod end-to-end test.
RUN apt-get update -qq \
 && ls scripts/packages/*.txt | grep -v '/kmod.txt$' | xargs cat \
    | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u \
    | xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build/image -G Ninja -DCMAKE_BUILD_TYPE=Release -DPEREGRINE_TESTS=OFF \
      -DPEREGRINE_BENCH=OFF -DPEREGRINE_KERNEL_BTF="${KERNEL_BTF}" \
 && cmake --build build/image --target peregrine \
 && strip build/image/cmd/peregrine

FROM debian:12-slim
# Exactly the packages of the shared libraries the binary links (its ELF NEEDED entries);
# test/e2e/test_config_default.py checks this list against a built binary.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libbpf1 libelf1 zlib1g libre2-9 libyaml-cpp0.7 libcurl4 libssl3 librdkafka1 libmosquitto1 \
      libcpp-httplib0.11 libsimdjson14 libstdc++6 libgcc-s1 libc6 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/image/cmd/peregrine /usr/bin/peregrine
# Syscall rules for the agent (--rules /etc/peregrine/rules), audit rules for the audit webhook
# (--rules /etc/peregrine/rules/k8s_audit).
COPY rules/*.yaml /etc/peregrine/rules/
COPY rules/k8s_audit/k8s_audit_rules.yaml /etc/peregrine/rules/k8s_audit/
ENTRYPOINT ["/usr/bin/peregrine"]
CMD ["--help"]
