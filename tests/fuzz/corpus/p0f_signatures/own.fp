; portsweep's own SYN-ACK signatures, in p0f 3's fingerprint format
; (ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass).
;
; Read for the passive OS hint (--os-hint) only where Debian's p0f package
; (/etc/p0f/p0f.fp) is not installed. Every line below was written from
; replies seen in the portsweep lab (scripts/lab, Linux 6.18) to the sweep's
; own probes: a SYN that offers only an MSS option, as nmap's does, so each
; answer carries only an MSS too, whatever the host's sysctls enable.

classes = win,unix,other

[tcp:response]

; The lab's kernel with its default buffers: a window of 44 segments,
; DF set and IP ID zero.
label = s:unix:Linux:6.x
sig   = *:64:0:*:mss*44,0:mss:df:0

; Smaller receive buffers (tcp_rmem's default 8192) shrink it to 2 segments.
label = s:unix:Linux:6.x (small buffers)
sig   = *:64:0:*:mss*2,0:mss:df:0

; Anything else from a TTL-64 stack with DF and IP ID zero answering with an
; MSS alone.
label = g:unix:Linux:
sig   = *:64:0:*:*,0:mss:df:0
