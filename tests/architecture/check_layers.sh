#!/usr/bin/env bash
# Enforces STYLE.md's layer rule in the build: domain modules never include Beast or Asio and
# never link them; dependencies point from server/ to the domain, never back.
set -u
root=${1:?source dir}
status=0
domain=(core store totp activation push phone account)
for m in "${domain[@]}"; do
  [ -d "$root/$m" ] || continue
  hits=$(grep -rnE '#\s*include\s*[<"]boost/(beast|asio)' "$root/$m" --include='*.hpp' --include='*.cpp' --include='*.h')
  if [ -n "$hits" ]; then echo "layer violation: $m includes Beast/Asio:"; echo "$hits"; status=1; fi
  if [ -f "$root/$m/CMakeLists.txt" ] && grep -nE 'twostep_(asio|server|client)\b' "$root/$m/CMakeLists.txt"; then
    echo "layer violation: $m links a network target"; status=1
  fi
  hits=$(grep -rnE '#\s*include\s*"(server|client)/' "$root/$m" --include='*.hpp' --include='*.cpp')
  if [ -n "$hits" ]; then echo "layer violation: $m includes server/ or client/:"; echo "$hits"; status=1; fi
done
# The foundation modules depend on nothing above them.
for m in core store totp; do
  [ -d "$root/$m" ] || continue
  hits=$(grep -rnE '#\s*include\s*"(account|activation|push|phone)/' "$root/$m" --include='*.hpp' --include='*.cpp')
  if [ -n "$hits" ]; then echo "layer violation: $m includes a higher module:"; echo "$hits"; status=1; fi
done
[ $status -eq 0 ] && echo "layers ok"
exit $status
