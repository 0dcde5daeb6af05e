#!/usr/bin/env bash
# Installs the reference implementations that the analysis fixtures and benchmarks are checked
# against (docs/analysis/, docs/benchmarks.md): R and the CRAN packages spdep (Gi*), surveillance
# (Farrington exceedance), spatstat.explore (kernel density), jsonlite (the fixture scripts
# write JSON), and dplyr and sp (which the sppt package's code needs), all from Debian's packages. The product never needs them: only the scripts in
# test/fixtures/analysis/ and bench/ do.
#
#   sudo scripts/install-reference-tools.sh     (or as root)
#
# Idempotent: packages already installed are left as they are, and apt-get runs only when one is
# missing.
set -euo pipefail

packages=(r-base-core r-cran-spdep r-cran-surveillance r-cran-spatstat.explore r-cran-jsonlite r-cran-dplyr r-cran-sp)

missing=()
for package in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    echo "already installed: $package $(dpkg-query -W -f='${Version}' "$package")"
  else
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "Every reference tool is installed; nothing to do."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing: ${missing[*]}. Run this script as root (or with sudo) to install them." >&2
  exit 1
fi

echo "Installing from Debian's packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

echo "Installed:"
for package in "${missing[@]}"; do
  echo "  $package $(dpkg-query -W -f='${Version}' "$package")"
done
Rscript -e 'for (p in c("spdep", "surveillance", "spatstat.explore", "jsonlite")) cat(p, format(packageVersion(p)), "\n")'
