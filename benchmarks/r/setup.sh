#!/usr/bin/env bash
# Install Debian's R and the reference packages (Iso, BOIN, dfcrm) into the library $1 for `make bench-r`.
# Usage: benchmarks/r/setup.sh LIBRARY PACKAGES_DIR
# Idempotent: does nothing when Rscript and the three packages (at the versions of the tarballs) are there.
# Exit status 0 when R and the packages are ready, 1 when not (the benchmark then uses stored R times).
set -u
lib=$1
pkgs=$2

if ! command -v Rscript >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
  else echo "bench-r: Rscript is missing and apt-get needs root or sudo: not installing R"; exit 1; fi
  echo "bench-r: installing Debian's R (r-base-core, gfortran for Iso) with apt-get ..."
  # gfortran: Iso has Fortran sources, built by R CMD INSTALL
  if ! { $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null && \
         DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q r-base-core gfortran >/dev/null; }; then
    echo "bench-r: apt-get could not install r-base-core"; exit 1
  fi
fi

mkdir -p "$lib"
for name in Iso BOIN dfcrm; do  # dependency order: BOIN imports Iso
  tarball=$(ls "$pkgs"/${name}_*.tar.gz 2>/dev/null | head -n 1)
  if [ -z "$tarball" ]; then echo "bench-r: no ${name}_*.tar.gz in $pkgs"; exit 1; fi
  want=$(basename "$tarball" .tar.gz); want=${want#${name}_}
  have=$(sed -n 's/^Version: *//p' "$lib/$name/DESCRIPTION" 2>/dev/null)
  if [ "$have" != "$want" ]; then
    echo "bench-r: R CMD INSTALL $name $want into $lib ..."
    R_LIBS="$lib" R CMD INSTALL --no-docs --no-html -l "$lib" "$tarball" >"$lib/$name-install.log" 2>&1 \
      || { echo "bench-r: installing $name failed; see $lib/$name-install.log"; exit 1; }
  fi
done
R_LIBS="$lib" Rscript -e 'suppressMessages({library(BOIN); library(dfcrm)})' >/dev/null 2>&1 \
  || { echo "bench-r: R cannot load BOIN and dfcrm from $lib"; exit 1; }
