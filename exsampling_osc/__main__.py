from exsampling_osc.cli import main

raise SystemExit(main())
